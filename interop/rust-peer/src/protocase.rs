//! What the protocol table's rust programs (bin/rust-relay.rs, bin/rust-identify-push.rs) share:
//! the contract's environment, Redis, identify and the echo server (docs/INTEROP.md, "Protocol
//! cases"). Each bin includes it with `#[path = "../protocase.rs"] mod protocase;`.
use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::{identify, identity, StreamProtocol};
use redis::AsyncCommands;

pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// a positive integer from the environment, or exit 2 naming it
pub fn positive(name: &str) -> u64 {
    match env(name)
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|v| *v > 0)
    {
        Some(v) => v,
        None => {
            eprintln!(
                "[rust] {name} must be a positive integer, got {:?}",
                env(name)
            );
            std::process::exit(2)
        }
    }
}

pub fn identify_behaviour(key: &identity::Keypair) -> identify::Behaviour {
    identify::Behaviour::new(
        identify::Config::new("/ipfs/id/1.0.0".to_string(), key.public()).with_agent_version(
            format!("rust-libp2p/0.56.0 rust-peer/{}", env!("CARGO_PKG_VERSION")),
        ),
    )
}

/// connects to $redis_addr, retrying until 30 s have passed
pub async fn redis_connect() -> Result<redis::aio::MultiplexedConnection> {
    let addr = env("redis_addr").unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(30);
    let client = redis::Client::open(format!("redis://{addr}/"))
        .with_context(|| format!("bad redis_addr {addr:?}"))?;
    loop {
        match tokio::time::timeout(
            Duration::from_secs(5),
            client.get_multiplexed_tokio_connection(),
        )
        .await
        {
            Ok(Ok(conn)) => return Ok(conn),
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(100)).await,
            Ok(Err(e)) => {
                return Err(e).with_context(|| format!("could not reach redis at {addr}"))
            }
            Err(_) => bail!("could not reach redis at {addr}: timed out"),
        }
    }
}

/// BLPOP `key` within `timeout`
pub async fn pop(
    conn: &mut redis::aio::MultiplexedConnection,
    key: &str,
    timeout: Duration,
) -> Result<String> {
    let reply: Option<(String, String)> = conn.blpop(key, timeout.as_secs() as f64).await?;
    Ok(reply
        .with_context(|| format!("BLPOP {key}: nothing within {timeout:?}"))?
        .1)
}

/// echoes every stream opened with `protocol` until the remote closes its write side
pub fn serve_echo(control: &mut libp2p_stream::Control, protocol: StreamProtocol) -> Result<()> {
    let mut incoming = control.accept(protocol)?;
    tokio::spawn(async move {
        while let Some((_, stream)) = incoming.next().await {
            tokio::spawn(async move {
                let (r, mut w) = stream.split();
                if futures::io::copy(r, &mut w).await.is_ok() {
                    let _ = w.close().await;
                }
            });
        }
    });
    Ok(())
}

/// the contract's `role`, `ip` and `test_timeout_seconds`; exits 2 when one is unusable
pub fn start() -> (String, IpAddr, Duration) {
    let role = env("role").unwrap_or_default();
    let timeout = Duration::from_secs(positive("test_timeout_seconds"));
    match env("ip").unwrap_or_else(|| "127.0.0.1".into()).parse() {
        Ok(ip) => (role, ip, timeout),
        Err(_) => {
            eprintln!("[rust {role}] ip is not an IP address");
            std::process::exit(2)
        }
    }
}

/// exits 2 for a role this program does not play
pub fn unknown_role(role: &str, known: &str) -> ! {
    eprintln!("[rust] unknown role {role:?} ({known})");
    std::process::exit(2)
}

/// runs `run` within $test_timeout_seconds and exits: 0 when it succeeded, 1 otherwise
pub async fn exit_after<F: std::future::Future<Output = Result<()>>>(role: &str, run: F) -> ! {
    let timeout = Duration::from_secs(positive("test_timeout_seconds"));
    let code = match tokio::time::timeout(timeout, run).await {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("[rust {role}] {e:#}");
            1
        }
        Err(_) => {
            eprintln!("[rust {role}] test_timeout_seconds ({timeout:?}) elapsed");
            1
        }
    };
    std::process::exit(code)
}
