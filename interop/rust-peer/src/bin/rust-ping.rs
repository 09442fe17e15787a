//! rust-libp2p 0.56 peer for the transport-interop "ping" contract (see
//! /work/shared/INTEROP.md section 1.1, and interop/rust-peer/README.md).
//!
//! Everything comes from env vars: `transport`, `security`, `muxer`, `is_dialer`, `ip`,
//! `redis_addr`, `test_timeout_seconds`. The dialer prints one JSON line on stdout; every log line
//! goes to stderr.
//!
//! One deliberate difference from upstream's `interop-tests`: when `ip` is a loopback address the
//! listener publishes its loopback listen address (upstream skips 127.0.0.1 and waits forever), so
//! the tests can run on one machine without network namespaces.

use std::net::IpAddr;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures::StreamExt;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{NetworkBehaviour, Swarm, SwarmEvent};
use libp2p::{identify, identity, noise, ping, tcp, tls, yamux, Multiaddr};
use redis::AsyncCommands;
use tracing_subscriber::EnvFilter;

const LISTENER_ADDR_KEY: &str = "listenerAddr";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transport {
    Tcp,
    Ws,
    QuicV1,
    WebRtcDirect,
}

impl FromStr for Transport {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "tcp" => Self::Tcp,
            "ws" => Self::Ws,
            "quic-v1" => Self::QuicV1,
            "webrtc-direct" => Self::WebRtcDirect,
            other => bail!("unsupported transport {other:?} (this peer does tcp, ws, quic-v1, webrtc-direct)"),
        })
    }
}

#[derive(Clone, Copy, Debug)]
enum Security {
    Noise,
    Tls,
}

impl FromStr for Security {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "noise" => Self::Noise,
            "tls" => Self::Tls,
            other => bail!("unsupported security {other:?} (this peer does noise, tls)"),
        })
    }
}

#[derive(Clone, Copy, Debug)]
enum Muxer {
    Yamux,
    Mplex,
}

impl FromStr for Muxer {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "yamux" => Self::Yamux,
            "mplex" => Self::Mplex,
            other => bail!("unsupported muxer {other:?} (this peer does yamux, mplex)"),
        })
    }
}

#[derive(Debug)]
struct Config {
    transport: Transport,
    /// `None` for quic-v1 and webrtc-direct, which bring their own security and muxing.
    upgrade: Option<(Security, Muxer)>,
    is_dialer: bool,
    ip: IpAddr,
    redis_addr: String,
    test_timeout: Duration,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Config {
    fn from_env() -> Result<Self> {
        let transport: Transport = env("transport")
            .context("env var `transport` is not set")?
            .parse()?;
        let upgrade = match transport {
            Transport::QuicV1 | Transport::WebRtcDirect => None,
            Transport::Tcp | Transport::Ws => Some((
                env("security")
                    .context("env var `security` is not set (needed for tcp and ws)")?
                    .parse()?,
                env("muxer")
                    .context("env var `muxer` is not set (needed for tcp and ws)")?
                    .parse()?,
            )),
        };
        let is_dialer = match env("is_dialer").as_deref() {
            None | Some("true") => true,
            Some("false") => false,
            Some(other) => bail!("is_dialer must be \"true\" or \"false\", got {other:?}"),
        };
        // Upstream rust errors when `ip` is unset; the contract's default is 0.0.0.0.
        let ip = env("ip").unwrap_or_else(|| "0.0.0.0".into());
        let ip: IpAddr = ip.parse().with_context(|| format!("ip {ip:?} is not an IP address"))?;
        let redis_addr = env("redis_addr").unwrap_or_else(|| "redis:6379".into());
        let test_timeout_seconds: u64 = match env("test_timeout_seconds") {
            None => 180,
            Some(s) => s
                .parse()
                .with_context(|| format!("test_timeout_seconds {s:?} is not a whole number"))?,
        };
        Ok(Self {
            transport,
            upgrade,
            is_dialer,
            ip,
            redis_addr,
            test_timeout: Duration::from_secs(test_timeout_seconds),
        })
    }

    fn listen_addr(&self) -> Multiaddr {
        let mut addr = Multiaddr::empty().with(match self.ip {
            IpAddr::V4(ip) => Protocol::Ip4(ip),
            IpAddr::V6(ip) => Protocol::Ip6(ip),
        });
        match self.transport {
            Transport::Tcp => addr.push(Protocol::Tcp(0)),
            Transport::Ws => {
                addr.push(Protocol::Tcp(0));
                addr.push(Protocol::Ws("/".into()));
            }
            Transport::QuicV1 => {
                addr.push(Protocol::Udp(0));
                addr.push(Protocol::QuicV1);
            }
            Transport::WebRtcDirect => {
                addr.push(Protocol::Udp(0));
                addr.push(Protocol::WebRTCDirect);
            }
        }
        addr
    }
}

#[derive(NetworkBehaviour)]
struct Behaviour {
    ping: ping::Behaviour,
    identify: identify::Behaviour,
}

fn new_behaviour(key: &identity::Keypair) -> Behaviour {
    Behaviour {
        ping: ping::Behaviour::new(ping::Config::new().with_interval(Duration::from_secs(1))),
        identify: identify::Behaviour::new(
            identify::Config::new("/ipfs/id/1.0.0".to_string(), key.public())
                .with_agent_version(format!("rust-libp2p/0.56.0 rust-peer/{}", env!("CARGO_PKG_VERSION"))),
        ),
    }
}

fn tcp_config() -> tcp::Config {
    tcp::Config::default().nodelay(true)
}

/// The swarm builder's types differ per security/muxer pair, so each pair is its own arm; the
/// result is always `Swarm<Behaviour>`.
async fn build_swarm(cfg: &Config) -> Result<Swarm<Behaviour>> {
    let idle = cfg.test_timeout.max(Duration::from_secs(10));
    macro_rules! tcp {
        ($sec:expr, $mux:expr) => {
            libp2p::SwarmBuilder::with_new_identity()
                .with_tokio()
                .with_tcp(tcp_config(), $sec, $mux)?
                .with_dns()?
                .with_behaviour(|key| new_behaviour(key))?
                .with_swarm_config(|c| c.with_idle_connection_timeout(idle))
                .build()
        };
    }
    macro_rules! ws {
        ($sec:expr, $mux:expr) => {
            libp2p::SwarmBuilder::with_new_identity()
                .with_tokio()
                .with_websocket($sec, $mux)
                .await?
                .with_behaviour(|key| new_behaviour(key))?
                .with_swarm_config(|c| c.with_idle_connection_timeout(idle))
                .build()
        };
    }
    use Muxer::*;
    use Security::*;
    let swarm = match (cfg.transport, cfg.upgrade) {
        (Transport::Tcp, Some((Noise, Yamux))) => tcp!(noise::Config::new, yamux::Config::default),
        (Transport::Tcp, Some((Noise, Mplex))) => tcp!(noise::Config::new, libp2p_mplex::Config::default),
        (Transport::Tcp, Some((Tls, Yamux))) => tcp!(tls::Config::new, yamux::Config::default),
        (Transport::Tcp, Some((Tls, Mplex))) => tcp!(tls::Config::new, libp2p_mplex::Config::default),
        (Transport::Ws, Some((Noise, Yamux))) => ws!(noise::Config::new, yamux::Config::default),
        (Transport::Ws, Some((Noise, Mplex))) => ws!(noise::Config::new, libp2p_mplex::Config::default),
        (Transport::Ws, Some((Tls, Yamux))) => ws!(tls::Config::new, yamux::Config::default),
        (Transport::Ws, Some((Tls, Mplex))) => ws!(tls::Config::new, libp2p_mplex::Config::default),
        (Transport::QuicV1, _) => libp2p::SwarmBuilder::with_new_identity()
            .with_tokio()
            .with_quic()
            .with_dns()?
            .with_behaviour(|key| new_behaviour(key))?
            .with_swarm_config(|c| c.with_idle_connection_timeout(idle))
            .build(),
        // A fresh self-signed certificate per run, as upstream's interop-tests do; its hash is
        // part of the listen address the listener publishes (/certhash/...).
        (Transport::WebRtcDirect, _) => libp2p::SwarmBuilder::with_new_identity()
            .with_tokio()
            .with_other_transport(|key| {
                Ok(libp2p_webrtc::tokio::Transport::new(
                    key.clone(),
                    libp2p_webrtc::tokio::Certificate::generate(&mut rand::thread_rng())?,
                ))
            })?
            .with_behaviour(|key| new_behaviour(key))?
            .with_swarm_config(|c| c.with_idle_connection_timeout(idle))
            .build(),
        (t, None) => bail!("transport {t:?} needs security and muxer"),
    };
    Ok(swarm)
}

/// Connects to Redis, retrying every 100 ms (like the go peer) until `deadline`.
async fn redis_connect(addr: &str, deadline: Instant) -> Result<redis::aio::MultiplexedConnection> {
    let url = if addr.contains("://") { addr.to_string() } else { format!("redis://{addr}/") };
    let client = redis::Client::open(url.as_str()).with_context(|| format!("bad redis_addr {addr:?}"))?;
    loop {
        let attempt = async {
            let mut conn = client.get_multiplexed_tokio_connection().await?;
            redis::cmd("PING").query_async::<_, String>(&mut conn).await?;
            Ok::<_, redis::RedisError>(conn)
        };
        match tokio::time::timeout(Duration::from_secs(5), attempt).await {
            Ok(Ok(conn)) => return Ok(conn),
            Ok(Err(e)) if Instant::now() < deadline => {
                tracing::debug!("redis at {addr} not ready: {e}");
            }
            Ok(Err(e)) => return Err(e).with_context(|| format!("could not reach redis at {addr}")),
            Err(_) if Instant::now() < deadline => tracing::debug!("redis at {addr}: connect timed out"),
            Err(_) => bail!("could not reach redis at {addr}: timed out"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn is_loopback(addr: &Multiaddr) -> bool {
    addr.iter().any(|p| match p {
        Protocol::Ip4(ip) => ip.is_loopback(),
        Protocol::Ip6(ip) => ip.is_loopback(),
        _ => false,
    })
}

#[derive(serde::Serialize)]
struct Report {
    #[serde(rename = "handshakePlusOneRTTMillis")]
    handshake_plus_one_rtt_millis: f64,
    /// Three l's: that is the contract's spelling.
    #[serde(rename = "pingRTTMilllis")]
    ping_rtt_millis: f64,
}

fn millis(d: Duration) -> f64 {
    d.as_micros() as f64 / 1000.0
}

async fn run_dialer(cfg: &Config, mut swarm: Swarm<Behaviour>) -> Result<Report> {
    let deadline = Instant::now() + cfg.test_timeout;
    let mut redis = redis_connect(&cfg.redis_addr, deadline).await?;
    tracing::info!("waiting for {LISTENER_ADDR_KEY} (BLPOP, {} s)", cfg.test_timeout.as_secs());
    let reply: Option<(String, String)> = redis
        .blpop(LISTENER_ADDR_KEY, cfg.test_timeout.as_secs() as f64)
        .await
        .context("BLPOP listenerAddr failed")?;
    let (_, addr) = reply.context("timed out waiting for the listener's address in redis")?;
    let addr: Multiaddr = addr.parse().with_context(|| format!("bad listener address {addr:?}"))?;
    tracing::info!("dialing {addr}");

    if cfg.transport == Transport::WebRtcDirect {
        // libp2p-webrtc dials from a listener's UDP socket ("no active listeners, can not dial
        // without a previous listen" otherwise), so the dialer listens first
        let listen = cfg.listen_addr();
        swarm.listen_on(listen.clone()).with_context(|| format!("listen on {listen} (to dial from)"))?;
        let until = tokio::time::Instant::from_std(deadline);
        loop {
            tokio::select! {
                e = swarm.select_next_some() => match e {
                    SwarmEvent::NewListenAddr { address, .. } => {
                        tracing::info!("dialing from {address}");
                        break;
                    }
                    SwarmEvent::ListenerClosed { reason, .. } => bail!("listener closed: {reason:?}"),
                    other => tracing::debug!("{other:?}"),
                },
                _ = tokio::time::sleep_until(until) => bail!("no listen address to dial from within the test timeout"),
            }
        }
    }

    let remaining = deadline.saturating_duration_since(Instant::now());
    let t0 = Instant::now();
    swarm.dial(addr.clone()).with_context(|| format!("dial {addr}"))?;
    let rtt = tokio::time::timeout(remaining, async {
        loop {
            match swarm.select_next_some().await {
                SwarmEvent::ConnectionEstablished { peer_id, endpoint, .. } => {
                    tracing::info!("connected to {peer_id} at {}", endpoint.get_remote_address());
                }
                SwarmEvent::OutgoingConnectionError { error, .. } => {
                    bail!("dial {addr} failed: {error}");
                }
                SwarmEvent::ConnectionClosed { peer_id, cause, .. } => {
                    bail!("connection to {peer_id} closed before a ping succeeded: {cause:?}");
                }
                SwarmEvent::Behaviour(BehaviourEvent::Ping(ping::Event { peer, result, .. })) => match result {
                    Ok(rtt) => {
                        tracing::info!("ping {peer}: {rtt:?}");
                        return Ok(rtt);
                    }
                    Err(e) => bail!("ping {peer} failed: {e}"),
                },
                SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. })) => {
                    tracing::info!("identify {peer_id}: agent {:?}, protocols {:?}", info.agent_version, info.protocols);
                }
                other => tracing::debug!("{other:?}"),
            }
        }
    })
    .await
    .context("timed out dialing and pinging the listener")??;
    let elapsed = t0.elapsed();
    Ok(Report {
        handshake_plus_one_rtt_millis: millis(elapsed),
        ping_rtt_millis: millis(rtt),
    })
}

async fn run_listener(cfg: &Config, mut swarm: Swarm<Behaviour>) -> Result<()> {
    let deadline = Instant::now() + cfg.test_timeout;
    let mut redis = redis_connect(&cfg.redis_addr, deadline).await?;
    let listen = cfg.listen_addr();
    let want_loopback = cfg.ip.is_loopback();
    swarm.listen_on(listen.clone()).with_context(|| format!("listen on {listen}"))?;
    tracing::info!("listening on {listen} as {}", swarm.local_peer_id());
    let local_peer_id = *swarm.local_peer_id();

    let until = tokio::time::Instant::from_std(deadline);
    let mut published = false;
    loop {
        let event = tokio::select! {
            e = swarm.select_next_some() => e,
            _ = tokio::time::sleep_until(until) => break,
        };
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!("listen address {address}");
                // Our rule: with a loopback `ip` publish the loopback address, else the first
                // non-loopback one.
                if !published && is_loopback(&address) == want_loopback {
                    let full = address.with(Protocol::P2p(local_peer_id));
                    let _: () = redis
                        .rpush(LISTENER_ADDR_KEY, full.to_string())
                        .await
                        .context("RPUSH listenerAddr failed")?;
                    tracing::info!("published {full}");
                    published = true;
                }
            }
            SwarmEvent::ListenerError { error, .. } => tracing::warn!("listener error: {error}"),
            SwarmEvent::ListenerClosed { reason, .. } => bail!("listener closed: {reason:?}"),
            SwarmEvent::ConnectionEstablished { peer_id, endpoint, .. } => {
                tracing::info!("inbound connection from {peer_id} at {}", endpoint.get_remote_address());
            }
            SwarmEvent::IncomingConnectionError { error, send_back_addr, .. } => {
                tracing::warn!("incoming connection from {send_back_addr} failed: {error}");
            }
            SwarmEvent::Behaviour(BehaviourEvent::Ping(ping::Event { peer, result, .. })) => {
                tracing::info!("ping {peer}: {result:?}");
            }
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. })) => {
                tracing::info!("identify {peer_id}: agent {:?}", info.agent_version);
            }
            other => tracing::debug!("{other:?}"),
        }
    }
    if !published {
        bail!(
            "no {} listen address to publish within {} s",
            if want_loopback { "loopback" } else { "non-loopback" },
            cfg.test_timeout.as_secs()
        );
    }
    bail!("test timeout ({} s) reached: the runner should have stopped the listener", cfg.test_timeout.as_secs())
}

async fn run() -> Result<()> {
    let cfg = Config::from_env()?;
    tracing::info!("{cfg:?}");
    let swarm = build_swarm(&cfg).await?;
    tracing::info!("local peer id {}", swarm.local_peer_id());
    if cfg.is_dialer {
        let report = run_dialer(&cfg, swarm).await?;
        println!("{}", serde_json::to_string(&report)?);
        Ok(())
    } else {
        run_listener(&cfg, swarm).await
    }
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    match run().await {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(1);
        }
    }
}
