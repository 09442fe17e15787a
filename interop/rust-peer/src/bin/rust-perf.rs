//! rust-libp2p 0.56 peer for the test-plans "perf" contract (see /work/shared/INTEROP.md section 3,
//! /work/shared/specs/libp2p/perf/perf.md and interop/rust-peer/README.md).
//!
//! `libp2p-perf` does not build against libp2p 0.56, so `/perf/1.0.0` is written here over
//! `libp2p-stream`:
//! - client: open a stream, write the wanted download size as a big-endian u64, upload N bytes,
//!   close the write side, read to EOF counting bytes;
//! - server: read the u64, read the upload to EOF, then write that many bytes and close.
//!
//! ```text
//! rust-perf --run-server --server-address 127.0.0.1:4001
//! rust-perf --server-address 127.0.0.1:4001 --transport tcp --upload-bytes N --download-bytes M
//! ```
//!
//! The server has the fixed Ed25519 identity from an all-zero 32-byte seed
//! (12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN), listens on tcp and quic-v1 at the same
//! port, and prints `<listen addr>/p2p/<id>` on stdout per listen address. The client dials
//! ip:port without a PeerId and learns it from the connection. It prints one
//! `{"type":"intermediary",...}` line per second (bytes moved during that second) and one
//! `{"type":"final",...}` line whose time includes the connection setup. Logs go to stderr.

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{Swarm, SwarmEvent};
use libp2p::{identity, noise, tcp, yamux, Multiaddr, PeerId, StreamProtocol};
use tracing_subscriber::EnvFilter;

const PERF_PROTOCOL: StreamProtocol = StreamProtocol::new("/perf/1.0.0");
const BUF_SIZE: usize = 64 * 1024;
/// connections stay up for as long as a transfer needs them
const IDLE_TIMEOUT: Duration = Duration::from_secs(60 * 60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Transport {
    Tcp,
    QuicV1,
}

impl FromStr for Transport {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "tcp" => Self::Tcp,
            "quic-v1" => Self::QuicV1,
            other => bail!("unsupported transport {other:?} (this peer does tcp and quic-v1)"),
        })
    }
}

#[derive(Debug)]
struct Args {
    run_server: bool,
    server_address: SocketAddr,
    transport: Transport,
    upload_bytes: u64,
    download_bytes: u64,
}

fn parse_args() -> Result<Args> {
    let mut run_server = false;
    let mut server_address = None;
    let mut transport = Transport::Tcp;
    let mut upload_bytes = 0u64;
    let mut download_bytes = 0u64;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        // both `--flag value` and `--flag=value`
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it.next().with_context(|| format!("{name} needs a value")),
            }
        };
        match name.as_str() {
            "--run-server" => run_server = true,
            "--server-address" => {
                let v = value(&name)?;
                server_address = Some(v.parse().with_context(|| format!("--server-address {v:?} is not ip:port"))?);
            }
            "--transport" => transport = value(&name)?.parse()?,
            "--upload-bytes" => upload_bytes = value(&name)?.parse().context("--upload-bytes")?,
            "--download-bytes" => download_bytes = value(&name)?.parse().context("--download-bytes")?,
            // accepted for compatibility with other perf binaries, unused
            "--secret-key-seed" => {
                value(&name)?;
            }
            other => bail!("unknown argument {other:?}"),
        }
    }
    Ok(Args {
        run_server,
        server_address: server_address.context("--server-address ip:port is required")?,
        transport,
        upload_bytes,
        download_bytes,
    })
}

fn tcp_addr(a: SocketAddr) -> Multiaddr {
    Multiaddr::from(a.ip()).with(Protocol::Tcp(a.port()))
}

fn quic_addr(a: SocketAddr) -> Multiaddr {
    Multiaddr::from(a.ip()).with(Protocol::Udp(a.port())).with(Protocol::QuicV1)
}

/// TCP (nodelay) + Noise + Yamux, and quic-v1
fn build_swarm(key: identity::Keypair) -> Result<Swarm<libp2p_stream::Behaviour>> {
    Ok(libp2p::SwarmBuilder::with_existing_identity(key)
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)?
        .with_quic()
        .with_behaviour(|_| libp2p_stream::Behaviour::new())?
        .with_swarm_config(|c| c.with_idle_connection_timeout(IDLE_TIMEOUT))
        .build())
}

// ------------------------------------------------------------------ server

async fn serve_stream(mut stream: libp2p::Stream) -> Result<(u64, u64)> {
    let mut len = [0u8; 8];
    stream.read_exact(&mut len).await.context("reading the u64 download size")?;
    let to_send = u64::from_be_bytes(len);
    let mut buf = vec![0u8; BUF_SIZE];
    let mut received = 0u64;
    loop {
        let n = stream.read(&mut buf).await.context("reading the upload")?;
        if n == 0 {
            break;
        }
        received += n as u64;
    }
    let zeros = vec![0u8; BUF_SIZE];
    let mut sent = 0u64;
    while sent < to_send {
        let n = (to_send - sent).min(BUF_SIZE as u64) as usize;
        stream.write_all(&zeros[..n]).await.context("writing the download")?;
        sent += n as u64;
    }
    stream.close().await.context("closing the stream")?;
    Ok((received, sent))
}

async fn run_server(args: Args) -> Result<()> {
    let key = identity::Keypair::ed25519_from_bytes([0u8; 32]).expect("a 32-byte seed");
    let mut swarm = build_swarm(key)?;
    let local = *swarm.local_peer_id();
    let mut incoming = swarm
        .behaviour()
        .new_control()
        .accept(PERF_PROTOCOL)
        .expect("/perf/1.0.0 is registered once");
    swarm.listen_on(tcp_addr(args.server_address))?;
    swarm.listen_on(quic_addr(args.server_address))?;

    tokio::spawn(async move {
        while let Some((peer, stream)) = incoming.next().await {
            tokio::spawn(async move {
                let t0 = Instant::now();
                match serve_stream(stream).await {
                    Ok((up, down)) => tracing::info!(%peer, up, down, secs = t0.elapsed().as_secs_f64(), "perf stream done"),
                    Err(e) => tracing::warn!(%peer, "perf stream failed: {e:#}"),
                }
            });
        }
    });

    loop {
        match swarm.select_next_some().await {
            SwarmEvent::NewListenAddr { address, .. } => {
                println!("{}", address.with(Protocol::P2p(local)));
            }
            SwarmEvent::ListenerError { error, .. } => tracing::warn!("listener error: {error}"),
            SwarmEvent::ListenerClosed { reason, addresses, .. } => {
                bail!("listener on {addresses:?} closed: {reason:?}")
            }
            SwarmEvent::IncomingConnectionError { error, send_back_addr, .. } => {
                tracing::debug!(%send_back_addr, "incoming connection failed: {error}")
            }
            e => tracing::trace!("{e:?}"),
        }
    }
}

// ------------------------------------------------------------------ client

/// one stdout line, keys in the contract's order (type, timeSeconds, uploadBytes, downloadBytes)
fn report(kind: &str, time_seconds: f64, upload_bytes: u64, download_bytes: u64) -> String {
    format!(
        "{{\"type\":{},\"timeSeconds\":{},\"uploadBytes\":{upload_bytes},\"downloadBytes\":{download_bytes}}}",
        serde_json::Value::from(kind),
        serde_json::Value::from(time_seconds)
    )
}

async fn run_client(args: Args) -> Result<()> {
    let start = Instant::now();
    let mut swarm = build_swarm(identity::Keypair::generate_ed25519())?;
    let mut control = swarm.behaviour().new_control();
    let addr = match args.transport {
        Transport::Tcp => tcp_addr(args.server_address),
        Transport::QuicV1 => quic_addr(args.server_address),
    };
    swarm.dial(addr.clone()).with_context(|| format!("dialing {addr}"))?;
    let peer: PeerId = loop {
        match swarm.select_next_some().await {
            SwarmEvent::ConnectionEstablished { peer_id, .. } => break peer_id,
            SwarmEvent::OutgoingConnectionError { error, .. } => bail!("dialing {addr}: {error}"),
            e => tracing::trace!("{e:?}"),
        }
    };
    eprintln!("connected in {:.3} s to {peer}", start.elapsed().as_secs_f64());
    // the swarm has to be polled for the stream and the connection to make progress
    tokio::spawn(async move {
        loop {
            match swarm.select_next_some().await {
                SwarmEvent::ConnectionClosed { peer_id, cause, .. } => {
                    tracing::debug!(%peer_id, "connection closed: {cause:?}")
                }
                e => tracing::trace!("{e:?}"),
            }
        }
    });

    let uploaded = Arc::new(AtomicU64::new(0));
    let downloaded = Arc::new(AtomicU64::new(0));
    let reporter = {
        let (uploaded, downloaded) = (uploaded.clone(), downloaded.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + Duration::from_secs(1), Duration::from_secs(1));
            let (mut last_t, mut last_up, mut last_down) = (Instant::now(), 0u64, 0u64);
            loop {
                tick.tick().await;
                let (now, up, down) = (Instant::now(), uploaded.load(Ordering::Relaxed), downloaded.load(Ordering::Relaxed));
                println!("{}", report("intermediary", now.duration_since(last_t).as_secs_f64(), up - last_up, down - last_down));
                (last_t, last_up, last_down) = (now, up, down);
            }
        })
    };

    let mut stream = control
        .open_stream(peer, PERF_PROTOCOL)
        .await
        .map_err(|e| anyhow::anyhow!("opening a /perf/1.0.0 stream: {e}"))?;
    stream.write_all(&args.download_bytes.to_be_bytes()).await.context("writing the u64")?;
    let zeros = vec![0u8; BUF_SIZE];
    let mut sent = 0u64;
    while sent < args.upload_bytes {
        let n = (args.upload_bytes - sent).min(BUF_SIZE as u64) as usize;
        stream.write_all(&zeros[..n]).await.context("uploading")?;
        sent += n as u64;
        uploaded.store(sent, Ordering::Relaxed);
    }
    stream.close().await.context("closing the write side")?;
    let mut buf = vec![0u8; BUF_SIZE];
    let mut received = 0u64;
    loop {
        let n = stream.read(&mut buf).await.context("downloading")?;
        if n == 0 {
            break;
        }
        received += n as u64;
        downloaded.store(received, Ordering::Relaxed);
    }
    let elapsed = start.elapsed().as_secs_f64();
    reporter.abort();
    if received != args.download_bytes {
        bail!("asked for {} bytes, the server sent {received}", args.download_bytes);
    }
    println!("{}", report("final", elapsed, sent, received));
    Ok(())
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")))
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let result = parse_args().and_then(|args| {
        let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        rt.block_on(async move {
            if args.run_server {
                run_server(args).await
            } else {
                run_client(args).await
            }
        })
    });
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
    // do not wait for the spawned swarm task: the transfer is done
    std::process::exit(0);
}
