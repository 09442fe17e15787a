//! rust-libp2p 0.56 in the protocol table's identify-push case (interop/runner/protocols,
//! docs/INTEROP.md "Protocol cases"), over TCP + Noise + Yamux on $ip.
//!
//! Roles (env `role`):
//! - listener: listens, RPUSHes its address to `listenerAddr`; once `dialerReady` is popped and it
//!   has identified the dialer, it accepts /interop/pushed/1.0.0 (an echo, libp2p-stream): the
//!   swarm sees its supported protocols change and identify pushes them on the connection
//! - dialer: BLPOPs `listenerAddr`, dials, waits for identify, checks the protocol is not listed
//!   yet, RPUSHes `dialerReady`, waits for an identify message (a push) that lists it on the same
//!   connection, opens a stream with it; prints the result line on stdout
//!
//! Logs go to stderr. Exit 0 success, 1 failure, 2 bad environment.
use std::net::IpAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{identify, noise, ping, tcp, yamux, Multiaddr, StreamProtocol};
use redis::AsyncCommands;

#[path = "../protocase.rs"]
mod protocase;
use protocase::{
    exit_after, identify_behaviour, pop, redis_connect, serve_echo, start, unknown_role,
};

const PUSHED: StreamProtocol = StreamProtocol::new("/interop/pushed/1.0.0");
const WAIT: Duration = Duration::from_secs(30);

#[derive(NetworkBehaviour)]
struct Node {
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    stream: libp2p_stream::Behaviour,
}

fn swarm() -> Result<libp2p::Swarm<Node>> {
    Ok(libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )?
        .with_behaviour(|key| Node {
            identify: identify_behaviour(key),
            ping: ping::Behaviour::default(),
            stream: libp2p_stream::Behaviour::new(),
        })?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(120)))
        .build())
}

async fn run_listener(
    ip: IpAddr,
    conn: &mut redis::aio::MultiplexedConnection,
    timeout: Duration,
) -> Result<()> {
    let mut swarm = swarm()?;
    swarm.listen_on(
        Multiaddr::empty()
            .with(Protocol::from(ip))
            .with(Protocol::Tcp(0)),
    )?;
    // BLPOP blocks its connection: it gets one of its own, so the RPUSH below is not queued behind it
    let mut popper = redis_connect().await?;
    let mut ready = Box::pin(async move { pop(&mut popper, "dialerReady", timeout).await });
    let (mut dialer_ready, mut identified, mut serving) = (false, false, false);
    loop {
        tokio::select! {
            event = swarm.select_next_some() => match event {
                SwarmEvent::NewListenAddr { address, .. } => {
                    let full = address.with(Protocol::P2p(*swarm.local_peer_id()));
                    let _: () = conn.rpush("listenerAddr", full.to_string()).await?;
                }
                // a push goes on connections whose identify has run: wait for ours of the dialer
                SwarmEvent::Behaviour(NodeEvent::Identify(identify::Event::Received { .. })) => identified = true,
                _ => {}
            },
            r = &mut ready, if !dialer_ready => {
                r?;
                dialer_ready = true;
            }
        }
        if dialer_ready && identified && !serving {
            serve_echo(&mut swarm.behaviour().stream.new_control(), PUSHED)?;
            serving = true;
            eprintln!("[rust listener] now serving {PUSHED}");
        }
    }
}

async fn run_dialer(conn: &mut redis::aio::MultiplexedConnection, timeout: Duration) -> Result<()> {
    let target: Multiaddr = pop(conn, "listenerAddr", timeout).await?.parse()?;
    let Some(Protocol::P2p(listener)) = target.iter().last() else {
        bail!("{target} does not end with /p2p/<id>")
    };
    let mut swarm = swarm()?;
    let mut control = swarm.behaviour().stream.new_control();
    swarm.dial(target.clone())?;
    let (mut first, mut t0, mut connections) = (None, None, 0);
    let limit = tokio::time::sleep(WAIT);
    tokio::pin!(limit);
    let push = loop {
        let event = tokio::select! {
            e = swarm.select_next_some() => e,
            _ = &mut limit => bail!("{PUSHED} not pushed within {WAIT:?}"),
        };
        match event {
            SwarmEvent::ConnectionEstablished { peer_id, .. } if peer_id == listener => {
                connections += 1
            }
            SwarmEvent::OutgoingConnectionError { error, .. } => bail!("dial {target}: {error}"),
            SwarmEvent::Behaviour(NodeEvent::Identify(identify::Event::Received {
                peer_id,
                info,
                connection_id,
            })) if peer_id == listener => {
                let lists = info.protocols.contains(&PUSHED);
                match first {
                    None => {
                        if lists {
                            bail!("{PUSHED} listed before the listener served it");
                        }
                        first = Some(connection_id);
                        let _: () = conn.rpush("dialerReady", "1").await?;
                        t0 = Some(Instant::now());
                    }
                    Some(id) if lists => {
                        if id != connection_id || connections != 1 {
                            bail!("the first connection did not carry the push: {connections} connection(s)");
                        }
                        break t0.context("pushed before identify")?.elapsed();
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
    };
    tokio::spawn(async move {
        loop {
            swarm.select_next_some().await;
        }
    });
    let check = async {
        let stream = control
            .open_stream(listener, PUSHED)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let (mut r, mut w) = stream.split();
        w.write_all(b"pushed").await?;
        w.close().await?;
        let mut back = Vec::new();
        r.read_to_end(&mut back).await?;
        if back != b"pushed" {
            bail!("{} B echoed, expected 6", back.len());
        }
        Ok(())
    };
    tokio::time::timeout(WAIT, check)
        .await
        .context("the stream on the pushed protocol timed out")??;
    eprintln!(
        "[rust dialer] {PUSHED} seen {push:?} after the listener was told to serve it; stream ok"
    );
    println!(
        "{}",
        serde_json::json!({ "pushMillis": push.as_micros() as f64 / 1000.0, "sameConnection": true })
    );
    Ok(())
}

#[tokio::main]
async fn main() {
    let (role, ip, timeout) = start();
    exit_after(&role, async {
        let mut conn = redis_connect().await?;
        match role.as_str() {
            "listener" => run_listener(ip, &mut conn, timeout).await,
            "dialer" => run_dialer(&mut conn, timeout).await,
            other => unknown_role(other, "listener, dialer"),
        }
    })
    .await
}
