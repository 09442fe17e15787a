//! rust-libp2p 0.56 in the protocol table's relay case (interop/runner/protocols, docs/INTEROP.md
//! "Protocol cases"), over TCP + Noise + Yamux on $ip.
//!
//! Roles (env `role`):
//! - relay: `relay::Behaviour` with `reservation_duration` = $relay_reservation_ttl_seconds and
//!   `max_circuit_bytes` = $relay_data_limit_bytes; RPUSHes its address to `relayAddr`
//! - listener: BLPOPs `relayAddr`, listens on <relay>/p2p-circuit (`relay::client`, which renews
//!   the reservation by itself at 3/4 of its time), serves /echo/1.0.0 (libp2p-stream), RPUSHes
//!   <relay>/p2p-circuit/p2p/<self> to `listenerAddr`
//! - dialer: BLPOPs `listenerAddr`, waits until the first reservation has expired, dials through
//!   the relay, echoes a quarter of the data limit, then sends four times the limit and expects
//!   the relay to cut it; prints the result line on stdout
//!
//! Logs go to stderr. Exit 0 success, 1 failure, 2 bad environment.
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{identify, noise, ping, relay, tcp, yamux, Multiaddr, PeerId, StreamProtocol};
use redis::AsyncCommands;

#[path = "../protocase.rs"]
mod protocase;
use protocase::{
    exit_after, identify_behaviour, pop, positive, redis_connect, serve_echo, start, unknown_role,
};

const ECHO: StreamProtocol = StreamProtocol::new("/echo/1.0.0");
const CHUNK_BYTES: usize = 16 * 1024;
/// past the first reservation's expiry (whole seconds on the wire) before dialling
const EXPIRY_MARGIN: Duration = Duration::from_secs(2);
/// the over-limit transfer must be cut or finish within this
const OVER_LIMIT_WAIT: Duration = Duration::from_secs(30);

#[derive(NetworkBehaviour)]
struct RelayServer {
    relay: relay::Behaviour,
    identify: identify::Behaviour,
    ping: ping::Behaviour,
}

#[derive(NetworkBehaviour)]
struct RelayClient {
    relay_client: relay::client::Behaviour,
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    stream: libp2p_stream::Behaviour,
}

fn client_swarm() -> Result<libp2p::Swarm<RelayClient>> {
    Ok(libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )?
        .with_relay_client(noise::Config::new, yamux::Config::default)?
        .with_behaviour(|key, relay_client| RelayClient {
            relay_client,
            identify: identify_behaviour(key),
            ping: ping::Behaviour::default(),
            stream: libp2p_stream::Behaviour::new(),
        })?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(120)))
        .build())
}

async fn run_relay(ip: IpAddr, conn: &mut redis::aio::MultiplexedConnection) -> Result<()> {
    let ttl = Duration::from_secs(positive("relay_reservation_ttl_seconds"));
    let limit = positive("relay_data_limit_bytes");
    let mut swarm = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )?
        .with_behaviour(|key| RelayServer {
            relay: relay::Behaviour::new(
                key.public().to_peer_id(),
                relay::Config {
                    reservation_duration: ttl,
                    max_circuit_bytes: limit,
                    max_circuit_duration: Duration::from_secs(120),
                    ..Default::default()
                },
            ),
            identify: identify_behaviour(key),
            ping: ping::Behaviour::default(),
        })?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(120)))
        .build();
    swarm.listen_on(
        Multiaddr::empty()
            .with(Protocol::from(ip))
            .with(Protocol::Tcp(0)),
    )?;
    loop {
        match swarm.select_next_some().await {
            SwarmEvent::NewListenAddr { address, .. } => {
                // reservations carry the relay's external addresses
                swarm.add_external_address(address.clone());
                let full = address.with(Protocol::P2p(*swarm.local_peer_id()));
                eprintln!(
                    "[rust relay] relay on {full} (reservation TTL {ttl:?}, data limit {limit} B)"
                );
                let _: () = conn.rpush("relayAddr", full.to_string()).await?;
            }
            SwarmEvent::Behaviour(RelayServerEvent::Relay(e)) => eprintln!("[rust relay] {e:?}"),
            _ => {}
        }
    }
}

async fn run_listener(
    conn: &mut redis::aio::MultiplexedConnection,
    timeout: Duration,
) -> Result<()> {
    let relay_addr: Multiaddr = pop(conn, "relayAddr", timeout).await?.parse()?;
    let mut swarm = client_swarm()?;
    serve_echo(&mut swarm.behaviour().stream.new_control(), ECHO)?;
    swarm.listen_on(relay_addr.clone().with(Protocol::P2pCircuit))?;
    let circuit = relay_addr
        .with(Protocol::P2pCircuit)
        .with(Protocol::P2p(*swarm.local_peer_id()));
    loop {
        match swarm.select_next_some().await {
            SwarmEvent::Behaviour(RelayClientEvent::RelayClient(
                relay::client::Event::ReservationReqAccepted { renewal, .. },
            )) => {
                if renewal {
                    eprintln!("[rust listener] reservation renewed");
                } else {
                    eprintln!("[rust listener] reserved: {circuit}");
                    let _: () = conn.rpush("listenerAddr", circuit.to_string()).await?;
                }
            }
            SwarmEvent::ListenerClosed { reason, .. } => {
                bail!("the relayed listener closed: {reason:?}")
            }
            _ => {}
        }
    }
}

/// sends `n` bytes on a new echo stream while reading the echo: (bytes back, complete|cut|timeout, error)
async fn echo(
    control: &mut libp2p_stream::Control,
    peer: PeerId,
    n: usize,
    wait: Duration,
) -> (usize, &'static str, Option<String>) {
    let received = AtomicUsize::new(0);
    let run = async {
        let stream = control
            .open_stream(peer, ECHO)
            .await
            .map_err(|e| e.to_string())?;
        let (mut r, mut w) = stream.split();
        let writer = async move {
            let buf: Vec<u8> = (0..CHUNK_BYTES).map(|i| (i * 7) as u8).collect();
            let mut sent = 0;
            while sent < n {
                let k = CHUNK_BYTES.min(n - sent);
                w.write_all(&buf[..k]).await?;
                sent += k;
            }
            w.close().await
        };
        let reader = async {
            let mut buf = vec![0u8; CHUNK_BYTES];
            loop {
                match r.read(&mut buf).await {
                    Ok(0) => return Ok(()),
                    Ok(k) => {
                        received.fetch_add(k, Ordering::Relaxed);
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        let (w, r) = futures::join!(writer, reader);
        match (w, r) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
        }
    };
    match tokio::time::timeout(wait, run).await {
        Err(_) => (received.load(Ordering::Relaxed), "timeout", None),
        Ok(res) => {
            let got = received.load(Ordering::Relaxed);
            let ended = if got == n && res.is_ok() {
                "complete"
            } else {
                "cut"
            };
            (got, ended, res.err())
        }
    }
}

async fn run_dialer(conn: &mut redis::aio::MultiplexedConnection, timeout: Duration) -> Result<()> {
    let ttl = Duration::from_secs(positive("relay_reservation_ttl_seconds"));
    let limit = positive("relay_data_limit_bytes") as usize;
    let target: Multiaddr = pop(conn, "listenerAddr", timeout).await?.parse()?;
    let Some(Protocol::P2p(listener)) = target.iter().last() else {
        bail!("{target} does not end with /p2p/<id>")
    };
    // the reservation the listener announced expires ttl after it was granted; a dial after that
    // reaches the listener only if its client renewed the reservation
    let refresh_wait = ttl + EXPIRY_MARGIN;
    eprintln!("[rust dialer] listener at {target}; dialling in {refresh_wait:?}, after its first reservation expired");
    tokio::time::sleep(refresh_wait).await;
    let mut swarm = client_swarm()?;
    let mut control = swarm.behaviour().stream.new_control();
    let t0 = Instant::now();
    swarm.dial(target.clone())?;
    let connect = loop {
        match swarm.select_next_some().await {
            SwarmEvent::ConnectionEstablished {
                peer_id, endpoint, ..
            } if peer_id == listener => {
                if !endpoint
                    .get_remote_address()
                    .iter()
                    .any(|p| p == Protocol::P2pCircuit)
                {
                    bail!(
                        "the connection to {listener} is not relayed: {}",
                        endpoint.get_remote_address()
                    );
                }
                break t0.elapsed();
            }
            SwarmEvent::OutgoingConnectionError {
                peer_id: Some(p),
                error,
                ..
            } if p == listener => {
                bail!("dial through the relay: {error}")
            }
            _ => {}
        }
    };
    // the swarm keeps running while the streams do
    tokio::spawn(async move {
        loop {
            swarm.select_next_some().await;
        }
    });
    let small = limit / 4;
    let t1 = Instant::now();
    let (got, ended, err) = echo(&mut control, listener, small, Duration::from_secs(30)).await;
    let echo_time = t1.elapsed();
    if ended != "complete" {
        bail!(
            "echo of {small} B through the relay did not complete: {got} B back ({ended}, {err:?})"
        );
    }
    eprintln!("[rust dialer] connected through the relay in {connect:?}; echo ok");
    let over = limit * 4;
    let (cut_at, ended, err) = echo(&mut control, listener, over, OVER_LIMIT_WAIT).await;
    eprintln!(
        "[rust dialer] over-limit transfer of {over} B: {ended} after {cut_at} B echoed ({err:?})"
    );
    match ended {
        "complete" => bail!("the relay let {over} B through both ways, over its {limit} B data limit"),
        "timeout" => bail!("the over-limit transfer was neither cut nor completed within {OVER_LIMIT_WAIT:?} ({cut_at} B echoed)"),
        _ => {}
    }
    let ms = |d: Duration| d.as_micros() as f64 / 1000.0;
    println!(
        "{}",
        serde_json::json!({
            "refreshWaitMillis": refresh_wait.as_millis() as u64,
            "connectMillis": ms(connect),
            "echoMillis": ms(echo_time),
            "echoBytes": small,
            "limitCutAfterBytes": cut_at,
            "overLimitBytes": over,
        })
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    let (role, ip, timeout) = start();
    exit_after(&role, async {
        let mut conn = redis_connect().await?;
        match role.as_str() {
            "relay" => run_relay(ip, &mut conn).await,
            "listener" => run_listener(&mut conn, timeout).await,
            "dialer" => run_dialer(&mut conn, timeout).await,
            other => unknown_role(other, "relay, listener, dialer"),
        }
    })
    .await
}
