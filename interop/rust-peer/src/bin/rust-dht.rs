//! rust-libp2p 0.56 Kademlia node for the mixed-network DHT interop test
//! (interop/test/dht-mixed.spec.mjs; see interop/rust-peer/README.md).
//!
//! It listens on 127.0.0.1 TCP with Noise and Yamux, runs kad in server mode (`--client`: client
//! mode) on
//! `/ipfs/kad/1.0.0` with a memory store that keeps every record (rust's default record
//! filtering, `StoreInserts::Unfiltered`), and answers identify and ping: js-libp2p's DHT only
//! admits peers that answer `/ipfs/ping/1.0.0`.
//!
//! stdout: one `{"event":"ready",...}` line, then one JSON line per answered request. stdin: one
//! JSON request per line, e.g. `{"id":1,"cmd":"get","key":"2f706b2f…"}` (record keys and values
//! are hex, being binary: the test's records are /pk/ ones). Requests run concurrently; each ends with `{"id":..,"ok":true,"result":{..}}` or
//! `{"id":..,"ok":false,"error":{"message":..}}`. Logs go to stderr.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use futures::StreamExt;
use libp2p::kad::{self, store::MemoryStore, GetProvidersOk, GetRecordOk, Mode, QueryId, QueryResult, Quorum, Record, RecordKey};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{DialError, NetworkBehaviour, SwarmEvent};
use libp2p::{identify, identity, noise, ping, tcp, yamux, Multiaddr, PeerId, StreamProtocol};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tracing_subscriber::EnvFilter;

const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/ipfs/kad/1.0.0");

/// One stdin line; a command ignores the fields it does not use.
#[derive(Deserialize)]
struct Request {
    id: u64,
    cmd: String,
    /// A record key, hex.
    #[serde(default)]
    key: String,
    /// A record value, hex.
    #[serde(default)]
    value: String,
    /// A provider key: the content's multihash, hex (rust's kad has no CID type).
    #[serde(default)]
    multihash: String,
    #[serde(default)]
    peer: String,
    #[serde(default)]
    target: String,
}

#[derive(NetworkBehaviour)]
struct Behaviour {
    ping: ping::Behaviour,
    identify: identify::Behaviour,
    kad: kad::Behaviour<MemoryStore>,
}

/// What a running kad query answers, and to which request.
enum Pending {
    Put(u64),
    /// `local`: the value from our own store, answered only if no remote peer returns one
    Get { id: u64, local: Option<String> },
    Provide(u64),
    FindProviders { id: u64, want: Option<PeerId>, found: HashSet<PeerId> },
    FindPeer { id: u64, target: PeerId },
    Refresh(u64),
}

fn reply_ok(id: u64, result: Value) {
    println!("{}", json!({ "id": id, "ok": true, "result": result }));
}

fn reply_err(id: u64, message: impl std::fmt::Display) {
    println!("{}", json!({ "id": id, "ok": false, "error": { "message": message.to_string() } }));
}

fn decode_hex(s: &str) -> Result<Vec<u8>> {
    if s.len() % 2 != 0 {
        bail!("odd-length hex");
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| anyhow!("bad hex: {e}")))
        .collect()
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn new_behaviour(key: &identity::Keypair) -> Behaviour {
    let peer_id = key.public().to_peer_id();
    let mut cfg = kad::Config::new(KAD_PROTOCOL);
    // Shorter than the 60 s default so that a lookup ends inside the test's own timeouts.
    cfg.set_query_timeout(Duration::from_secs(30));
    let mut kad = kad::Behaviour::with_config(peer_id, MemoryStore::new(peer_id), cfg);
    // Auto mode waits for a confirmed external address, which a loopback node never gets.
    // `--client`: a client holds no records of others, so its lookups get answers off the wire.
    let client = std::env::args().any(|a| a == "--client");
    kad.set_mode(Some(if client { Mode::Client } else { Mode::Server }));
    Behaviour {
        ping: ping::Behaviour::new(ping::Config::new()),
        identify: identify::Behaviour::new(
            identify::Config::new("/ipfs/id/1.0.0".to_string(), key.public())
                .with_agent_version(format!("rust-libp2p/0.56.0 rust-dht/{}", env!("CARGO_PKG_VERSION"))),
        ),
        kad,
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")))
        .init();

    let mut swarm = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)?
        .with_behaviour(|key| new_behaviour(key))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(300)))
        .build();
    let local = *swarm.local_peer_id();

    swarm.listen_on("/ip4/127.0.0.1/tcp/0".parse()?)?;
    let listen_addr = loop {
        if let SwarmEvent::NewListenAddr { address, .. } = swarm.select_next_some().await {
            break address;
        }
    };
    println!(
        "{}",
        json!({
            "event": "ready",
            "peerId": local.to_string(),
            "multiaddrs": [format!("{listen_addr}/p2p/{local}")],
            "pid": std::process::id(),
        })
    );

    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    let mut pending: HashMap<QueryId, Pending> = HashMap::new();
    let mut dials: HashMap<PeerId, Vec<u64>> = HashMap::new();

    loop {
        tokio::select! {
            line = stdin.next_line() => {
                let Some(line) = line.context("stdin")? else { return Ok(()) };
                if line.trim().is_empty() { continue; }
                let req: Request = match serde_json::from_str(&line) {
                    Ok(r) => r,
                    Err(e) => { eprintln!("[rust-dht] bad request {line:?}: {e}"); continue; }
                };
                if req.cmd == "stop" {
                    reply_ok(req.id, json!({}));
                    return Ok(());
                }
                if let Err(e) = start(&mut swarm, &mut pending, &mut dials, &req) {
                    reply_err(req.id, e);
                }
            }
            event = swarm.select_next_some() => on_event(&mut swarm, &mut pending, &mut dials, event),
        }
    }
}

fn start(
    swarm: &mut libp2p::Swarm<Behaviour>,
    pending: &mut HashMap<QueryId, Pending>,
    dials: &mut HashMap<PeerId, Vec<u64>>,
    req: &Request,
) -> Result<()> {
    let kad = &mut swarm.behaviour_mut().kad;
    match req.cmd.as_str() {
        "connect" => {
            let addr: Multiaddr = req.target.parse()?;
            let Some(Protocol::P2p(peer)) = addr.iter().last() else { bail!("target needs /p2p/<id>") };
            if swarm.is_connected(&peer) {
                reply_ok(req.id, json!({ "peer": peer.to_string() }));
                return Ok(());
            }
            swarm.dial(addr)?;
            dials.entry(peer).or_default().push(req.id);
        }
        "disconnect" => {
            let peer: PeerId = req.peer.parse()?;
            // Err only means there was no connection, which is the wanted state.
            let _ = swarm.disconnect_peer_id(peer);
            reply_ok(req.id, json!({}));
        }
        "routingTable" => {
            let peers: Vec<String> = kad
                .kbuckets()
                .flat_map(|b| b.iter().map(|e| e.node.key.preimage().to_string()).collect::<Vec<_>>())
                .collect();
            reply_ok(req.id, json!({ "size": peers.len(), "peers": peers }));
        }
        "refresh" => {
            let q = kad.bootstrap().map_err(|_| anyhow!("no known peers"))?;
            pending.insert(q, Pending::Refresh(req.id));
        }
        "put" => {
            let record = Record::new(RecordKey::new(&decode_hex(&req.key)?), decode_hex(&req.value)?);
            let q = kad.put_record(record, Quorum::One)?;
            pending.insert(q, Pending::Put(req.id));
        }
        "get" => {
            let q = kad.get_record(RecordKey::new(&decode_hex(&req.key)?));
            pending.insert(q, Pending::Get { id: req.id, local: None });
        }
        "provide" => {
            let q = kad.start_providing(RecordKey::new(&decode_hex(&req.multihash)?))?;
            pending.insert(q, Pending::Provide(req.id));
        }
        "findProviders" => {
            let want = if req.peer.is_empty() { None } else { Some(req.peer.parse()?) };
            let q = kad.get_providers(RecordKey::new(&decode_hex(&req.multihash)?));
            pending.insert(q, Pending::FindProviders { id: req.id, want, found: HashSet::new() });
        }
        "findPeer" => {
            // rust's kad has no findPeer: a closest-peers lookup for the id, whose answers carry
            // the target's addresses when some peer knows it.
            let target: PeerId = req.peer.parse()?;
            let q = kad.get_closest_peers(target);
            pending.insert(q, Pending::FindPeer { id: req.id, target });
        }
        other => bail!("unknown command {other:?}"),
    }
    Ok(())
}

fn on_event(
    swarm: &mut libp2p::Swarm<Behaviour>,
    pending: &mut HashMap<QueryId, Pending>,
    dials: &mut HashMap<PeerId, Vec<u64>>,
    event: SwarmEvent<BehaviourEvent>,
) {
    match event {
        SwarmEvent::ConnectionEstablished { peer_id, .. } => {
            for id in dials.remove(&peer_id).unwrap_or_default() {
                reply_ok(id, json!({ "peer": peer_id.to_string() }));
            }
        }
        SwarmEvent::OutgoingConnectionError { peer_id: Some(peer), error, .. } => {
            // A dial that failed while another connection came up is not an error for connect.
            if !matches!(error, DialError::DialPeerConditionFalse(_)) && !swarm.is_connected(&peer) {
                for id in dials.remove(&peer).unwrap_or_default() {
                    reply_err(id, &error);
                }
            }
        }
        SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. })) => {
            // kad learns the addresses of peers it dialled itself; a peer that dialled us is
            // routable only through the listen addresses it announces.
            if info.protocols.contains(&KAD_PROTOCOL) {
                for addr in info.listen_addrs {
                    swarm.behaviour_mut().kad.add_address(&peer_id, addr);
                }
            }
        }
        SwarmEvent::Behaviour(BehaviourEvent::Kad(kad::Event::OutboundQueryProgressed { id: qid, result, step, .. })) => {
            on_query(swarm, pending, qid, result, step.last);
        }
        _ => {}
    }
}

fn on_query(
    swarm: &mut libp2p::Swarm<Behaviour>,
    pending: &mut HashMap<QueryId, Pending>,
    qid: QueryId,
    result: QueryResult,
    last: bool,
) {
    let Some(p) = pending.remove(&qid) else { return };
    let mut keep = None;
    match (p, result) {
        (Pending::Put(id), QueryResult::PutRecord(r)) => match r {
            Ok(_) => reply_ok(id, json!({})),
            Err(e) => reply_err(id, e),
        },
        (Pending::Get { id, local }, QueryResult::GetRecord(r)) => match r {
            // kad reports our own copy first and still asks the network: the first remote
            // record is the answer, so that the test sees a GET_VALUE reply
            Ok(GetRecordOk::FoundRecord(rec)) => match rec.peer {
                Some(from) => {
                    reply_ok(id, json!({ "value": encode_hex(&rec.record.value), "from": from.to_string() }));
                    if let Some(mut q) = swarm.behaviour_mut().kad.query_mut(&qid) {
                        q.finish();
                    }
                }
                None if last => reply_ok(id, json!({ "value": encode_hex(&rec.record.value), "from": null })),
                None => keep = Some(Pending::Get { id, local: Some(encode_hex(&rec.record.value)) }),
            },
            Ok(GetRecordOk::FinishedWithNoAdditionalRecord { .. }) | Err(_) if local.is_some() => {
                reply_ok(id, json!({ "value": local, "from": null }))
            }
            Ok(GetRecordOk::FinishedWithNoAdditionalRecord { .. }) => reply_err(id, "the record was not found"),
            Err(e) => reply_err(id, e),
        },
        (Pending::Provide(id), QueryResult::StartProviding(r)) => match r {
            Ok(_) => reply_ok(id, json!({})),
            Err(e) => reply_err(id, e),
        },
        (Pending::FindProviders { id, want, mut found }, QueryResult::GetProviders(r)) => {
            if let Ok(GetProvidersOk::FoundProviders { providers, .. }) = &r {
                found.extend(providers.iter().copied());
            }
            let done = last || want.is_some_and(|w| found.contains(&w));
            if done {
                let list: Vec<Value> = found.iter().map(|p| json!({ "id": p.to_string(), "multiaddrs": [] })).collect();
                match r {
                    Err(e) if found.is_empty() => reply_err(id, e),
                    _ => reply_ok(id, json!({ "providers": list })),
                }
                if !last {
                    if let Some(mut q) = swarm.behaviour_mut().kad.query_mut(&qid) {
                        q.finish();
                    }
                }
            } else {
                keep = Some(Pending::FindProviders { id, want, found });
            }
        }
        (Pending::FindPeer { id, target }, QueryResult::GetClosestPeers(r)) => {
            let peers = match r {
                Ok(ok) => ok.peers,
                Err(kad::GetClosestPeersError::Timeout { peers, .. }) => peers,
            };
            match peers.into_iter().find(|p| p.peer_id == target) {
                Some(p) => reply_ok(
                    id,
                    json!({ "id": target.to_string(), "multiaddrs": p.addrs.iter().map(|a| a.to_string()).collect::<Vec<_>>() }),
                ),
                None => reply_err(id, format!("{target} not among the closest peers found")),
            }
        }
        (Pending::Refresh(id), QueryResult::Bootstrap(r)) => match r {
            Ok(_) if !last => keep = Some(Pending::Refresh(id)),
            Ok(_) => {
                let size: usize = swarm.behaviour_mut().kad.kbuckets().map(|b| b.num_entries()).sum();
                reply_ok(id, json!({ "size": size }));
            }
            Err(e) => reply_err(id, e),
        },
        (p, other) => {
            eprintln!("[rust-dht] unexpected result for query {qid:?}: {other:?}");
            keep = Some(p);
        }
    }
    if let Some(p) = keep {
        pending.insert(qid, p);
    }
}
