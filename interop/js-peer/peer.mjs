// A controllable js-libp2p 3.x node for interop tests. Run it with Node >= 22 (the project uses
// tools/node24/node_modules/.bin/node).
//
//   node peer.mjs [--listen <multiaddr>]... [--agent <string>] [--push-debounce-ms <n>]
//                 [--tls-cert <pem file> --tls-key <pem file>] [--relay-server] [--relay-client] [--webrtc] [--webrtc-direct]
//
// Environment (used when the matching flag is absent): JS_PEER_LISTEN (comma-separated
// multiaddrs), JS_PEER_AGENT, JS_PEER_PUSH_DEBOUNCE_MS, JS_PEER_TLS_CERT, JS_PEER_TLS_KEY,
// JS_PEER_RELAY_SERVER=1, JS_PEER_RELAY_CLIENT=1, JS_PEER_WEBRTC=1, JS_PEER_INBOUND_CONNECTION_THRESHOLD
// (js-libp2p's inbound connections per host per second, 5 by default: every circuit through a relay
// comes from the relay's host, and js re-dials a circuit for each dialProtocol). --relay-server runs a circuit relay v2 (default limits);
// --relay-client (implied by a /p2p-circuit listen address) adds the circuit relay transport, and
// the test protocols then also run on limited (relayed) connections. --webrtc (implied by a /webrtc
// listen address; implies --relay-client) adds @libp2p/webrtc's webRTC() on 127.0.0.1 (private-to-private).
// --webrtc-direct (implied by a /webrtc-direct listen address; env JS_PEER_WEBRTC_DIRECT=1) adds webRTCDirect() on 127.0.0.1.
// DEBUG=libp2p:* turns on js-libp2p logs. Listening on /ws needs nothing more; /wss needs the TLS
// certificate and key (the https server of @libp2p/websockets). wss dials check the remote's
// certificate as Node does: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment accepts a self-signed one.
//
// Wire protocol: one JSON object per line. stdout carries only these lines; logs go to stderr.
//   started:   {"event":"ready","peerId":"12D3…","multiaddrs":["/ip4/…/p2p/12D3…"],"protocols":[…],"agentVersion":"…"}
//   request:   {"id":1,"cmd":"ping","target":"/ip4/127.0.0.1/tcp/4001/p2p/12D3…"}   (stdin)
//   response:  {"id":1,"ok":true,"result":{…}}  or  {"id":1,"ok":false,"error":{"name":"…","message":"…"}}
//   events:    {"event":"connection:open",…} {"event":"connection:close",…} {"event":"peer:identify",…}
//              {"event":"stream",…}  (the outcome of every stream this node's handlers served)
// Requests run concurrently. Every request takes an optional timeoutMs (default 60000).
// `target` is a multiaddr string (ending in /p2p/<id>) or a peer id string (an existing connection).
// When stdin ends the node stops and the process exits. The command list is in COMMANDS below and
// in ../README.md.
import { setMaxListeners } from 'node:events'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify, identifyPush } from '@libp2p/identify'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { payloadChunks, payloadSha256 } from './payload.mjs'
import { ECHO_PROTOCOL, HALF_CLOSE_GREETING_BYTES, HALF_CLOSE_GREETING_SEED, HALF_CLOSE_PROTOCOL, RESET_PROTOCOL, SINK_PROTOCOL } from './protocols.mjs'
import {
  CommandError, MAX_READ_BUFFER_BYTES, consume, echoHandler, emit, errorInfo, halfCloseHandler, pool,
  resetHandler, sendAll, sinkHandler, waitClosed
} from './streams.mjs'

const DEFAULT_TIMEOUT_MS = 60_000
const STREAM_LIMIT = 1024

const { values: argv } = parseArgs({
  options: {
    listen: { type: 'string', multiple: true },
    agent: { type: 'string' },
    'push-debounce-ms': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'relay-server': { type: 'boolean' },
    'relay-client': { type: 'boolean' },
    webrtc: { type: 'boolean' },
    'webrtc-direct': { type: 'boolean' }
  }
})
const listen = argv.listen ?? (process.env.JS_PEER_LISTEN ?? '/ip4/127.0.0.1/tcp/0').split(',').map(s => s.trim()).filter(Boolean)
const agent = argv.agent ?? process.env.JS_PEER_AGENT
const pushDebounceMs = Number(argv['push-debounce-ms'] ?? process.env.JS_PEER_PUSH_DEBOUNCE_MS ?? 100)
const tlsCert = argv['tls-cert'] ?? process.env.JS_PEER_TLS_CERT
const tlsKey = argv['tls-key'] ?? process.env.JS_PEER_TLS_KEY
if ((tlsCert == null) !== (tlsKey == null)) throw new CommandError('--tls-cert and --tls-key go together')
const relayServer = argv['relay-server'] ?? process.env.JS_PEER_RELAY_SERVER === '1'
const webrtc = argv.webrtc ?? (process.env.JS_PEER_WEBRTC === '1' || listen.some(a => a.endsWith('/webrtc')))
const relayClient = argv['relay-client'] ?? (webrtc || process.env.JS_PEER_RELAY_CLIENT === '1' || listen.some(a => a.includes('/p2p-circuit')))
// loaded only when asked for: it brings node-datachannel's native library
const webrtcDirect = argv['webrtc-direct'] ?? (process.env.JS_PEER_WEBRTC_DIRECT === '1' || listen.some(a => a.endsWith('/webrtc-direct')))
const { webRTC, webRTCDirect } = webrtc || webrtcDirect ? await import('@libp2p/webrtc') : {}
/** options of the https server that wss listeners use */
const https = tlsCert != null ? { cert: readFileSync(tlsCert), key: readFileSync(tlsKey) } : undefined

const inboundThreshold = process.env.JS_PEER_INBOUND_CONNECTION_THRESHOLD

const log = (...args) => { if (process.env.JS_PEER_VERBOSE != null) console.error('[js-peer]', ...args) }

const HANDLERS = {
  [ECHO_PROTOCOL]: echoHandler,
  [SINK_PROTOCOL]: sinkHandler,
  [RESET_PROTOCOL]: resetHandler,
  [HALF_CLOSE_PROTOCOL]: halfCloseHandler
}
const HANDLER_OPTIONS = { maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT, runOnLimitedConnection: relayClient }

// ---------------------------------------------------------------- the node

const node = await createLibp2p({
  addresses: { listen },
  transports: [
    tcp(), webSockets(https != null ? { https } : {}), ...(relayClient ? [circuitRelayTransport()] : []),
    // node-datachannel skips the loopback interface unless bound to it
    ...(webrtc ? [webRTC({ rtcConfiguration: { iceServers: [], bindAddress: '127.0.0.1' } })] : []),
    ...(webrtcDirect ? [webRTCDirect({ rtcConfiguration: { iceServers: [], bindAddress: '127.0.0.1' } })] : [])
  ],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  connectionGater: { denyDialMultiaddr: () => false },
  ...(inboundThreshold != null ? { connectionManager: { inboundConnectionThreshold: Number(inboundThreshold) } } : {}),
  ...(agent != null ? { nodeInfo: { userAgent: agent } } : {}),
  services: {
    identify: identify(),
    identifyPush: identifyPush({ debounce: pushDebounceMs }),
    ping: ping(),
    ...(relayServer ? { relay: circuitRelayServer() } : {})
  }
})

for (const [protocol, handler] of Object.entries(HANDLERS)) {
  await node.handle(protocol, handler, HANDLER_OPTIONS)
}

/** latest identify result per peer id string, so late waiters see earlier results */
const identified = new Map()
const peerWaiters = new Set()

node.addEventListener('connection:open', (evt) => {
  emit({ event: 'connection:open', ...connectionInfo(evt.detail) })
})
node.addEventListener('connection:close', (evt) => {
  emit({ event: 'connection:close', ...connectionInfo(evt.detail) })
})
node.addEventListener('peer:identify', (evt) => {
  const r = evt.detail
  const result = {
    peerId: r.peerId.toString(),
    protocols: [...r.protocols].sort(),
    listenAddrs: r.listenAddrs.map(a => a.toString()),
    agentVersion: r.agentVersion,
    protocolVersion: r.protocolVersion,
    observedAddr: r.observedAddr?.toString(),
    connectionId: r.connection?.id
  }
  identified.set(result.peerId, result)
  emit({ event: 'peer:identify', ...result })
  for (const w of peerWaiters) w()
})
node.addEventListener('peer:update', () => {
  for (const w of peerWaiters) w()
})

function connectionInfo (c) {
  return {
    connectionId: c.id,
    remotePeer: c.remotePeer.toString(),
    remoteAddr: c.remoteAddr.toString(),
    direction: c.direction,
    status: c.status,
    encryption: c.encryption,
    multiplexer: c.multiplexer,
    limits: c.limits == null ? undefined : { bytes: c.limits.bytes?.toString(), seconds: c.limits.seconds },
    streams: c.streams.map(s => ({ id: s.id, protocol: s.protocol, direction: s.direction, status: s.status }))
  }
}

function parseTarget (target) {
  if (typeof target !== 'string' || target === '') throw new CommandError('missing "target" (a multiaddr or a peer id)')
  return target.startsWith('/') ? multiaddr(target) : peerIdFromString(target)
}

async function connect (target, signal) {
  return node.dial(parseTarget(target), { signal })
}

async function peerRecord (peerIdStr) {
  const peer = await node.peerStore.get(peerIdFromString(peerIdStr))
  const text = (key) => peer.metadata.has(key) ? new TextDecoder().decode(peer.metadata.get(key)) : undefined
  return {
    peerId: peer.id.toString(),
    protocols: [...peer.protocols].sort(),
    addresses: peer.addresses.map(a => a.multiaddr.toString()),
    agentVersion: text('AgentVersion'),
    protocolVersion: text('ProtocolVersion')
  }
}

/** Re-evaluates check() on every peer store / identify event until it returns a value. */
function waitFor (check, signal, what) {
  return new Promise((resolve, reject) => {
    let busy = false
    let again = false
    const done = (err, value) => {
      peerWaiters.delete(evaluate)
      signal.removeEventListener('abort', onAbort)
      if (err != null) reject(err)
      else resolve(value)
    }
    const evaluate = () => {
      if (busy) { again = true; return }
      busy = true
      Promise.resolve().then(check).then((value) => {
        busy = false
        if (value !== undefined) done(null, value)
        else if (again) { again = false; evaluate() }
      }, (err) => {
        busy = false
        if (err?.name !== 'NotFoundError') done(err)
        else if (again) { again = false; evaluate() }
      })
    }
    const onAbort = () => done(new CommandError(`timed out waiting for ${what}`))
    signal.addEventListener('abort', onAbort, { once: true })
    peerWaiters.add(evaluate)
    evaluate()
  })
}

async function openStream (target, protocol, signal) {
  const connection = await connect(target, signal)
  const stream = await connection.newStream(protocol, { signal, maxOutboundStreams: STREAM_LIMIT, runOnLimitedConnection: relayClient })
  stream.maxReadBufferLength = MAX_READ_BUFFER_BYTES
  return { connection, stream }
}

/** One echo stream: send the payload, close the write side, read everything back. */
async function echoOnce (target, protocol, seed, bytes, chunkBytes, signal) {
  const started = performance.now()
  const { stream } = await openStream(target, protocol, signal)
  try {
    const reading = consume(stream, undefined, signal)
    reading.catch(() => {})
    const sent = await sendAll(stream, payloadChunks(seed, bytes, chunkBytes), signal)
    await stream.close({ signal })
    const received = await reading
    const closed = await waitClosed(stream, signal)
    return { seed, sent, received, ok: sent.bytes === received.bytes && sent.sha256 === received.sha256, status: closed.status, ms: performance.now() - started }
  } catch (err) {
    stream.abort(err)
    throw err
  }
}

const COMMANDS = {
  /** peer id, listen addresses, protocols, connections */
  async info () {
    return {
      peerId: node.peerId.toString(),
      multiaddrs: node.getMultiaddrs().map(a => a.toString()),
      protocols: node.getProtocols().sort(),
      connections: node.getConnections().map(connectionInfo)
    }
  },

  /** { contains } → multiaddrs, once one of this node's addresses contains the string (e.g. a relayed one) */
  async waitAddr ({ contains }, signal) {
    if (typeof contains !== 'string' || contains === '') throw new CommandError('missing "contains"')
    const addrs = () => node.getMultiaddrs().map(a => a.toString())
    if (!addrs().some(a => a.includes(contains))) {
      await new Promise((resolve, reject) => {
        const onUpdate = () => { if (addrs().some(a => a.includes(contains))) { done(); resolve() } }
        const onAbort = () => { done(); reject(new CommandError(`timed out waiting for an address containing ${contains}; have ${addrs().join(', ')}`)) }
        const done = () => { node.removeEventListener('self:peer:update', onUpdate); signal.removeEventListener('abort', onAbort) }
        node.addEventListener('self:peer:update', onUpdate)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    }
    return { multiaddrs: addrs() }
  },

  /** { target } → the connection */
  async dial ({ target }, signal) {
    return connectionInfo(await connect(target, signal))
  },

  /** { target } → closes every connection to that peer */
  async hangUp ({ target }, signal) {
    await node.hangUp(parseTarget(target), { signal })
    return { connections: node.getConnections().length }
  },

  /** { target, count = 1 } → { rtt, rtts } in ms, over /ipfs/ping/1.0.0 */
  async ping ({ target, count = 1 }, signal) {
    const rtts = []
    for (let i = 0; i < count; i++) rtts.push(await node.services.ping.ping(parseTarget(target), { signal }))
    return { rtt: rtts[0], rtts }
  },

  /**
   * { target, bytes, streams = 1, concurrency = streams, protocol = '/echo/1.0.0', seed = 'echo', chunkBytes }
   * Opens `streams` echo streams (stream i carries payload `${seed}-${i}`), sends, half-closes, reads
   * everything back and compares sha256. → { ok, streams, okStreams, bytesPerStream, totalBytes, ms, MBps, failures, results? }
   */
  async echo ({ target, bytes, streams = 1, concurrency, protocol = ECHO_PROTOCOL, seed = 'echo', chunkBytes }, signal) {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new CommandError('"bytes" must be a non-negative integer')
    const started = performance.now()
    await connect(target, signal)
    const settled = await pool(streams, concurrency ?? streams, async (i) => {
      try {
        return await echoOnce(target, protocol, `${seed}-${i}`, bytes, chunkBytes, signal)
      } catch (err) {
        return { seed: `${seed}-${i}`, ok: false, error: errorInfo(err) }
      }
    })
    const ms = performance.now() - started
    const failures = settled.filter(r => !r.ok)
    return {
      ok: failures.length === 0,
      streams,
      okStreams: streams - failures.length,
      bytesPerStream: bytes,
      expectedSha256: streams === 1 ? payloadSha256(`${seed}-0`, bytes) : undefined,
      totalBytes: bytes * streams,
      ms: Math.round(ms),
      MBps: Math.round((bytes * streams / 1e6) / (ms / 1000) * 10) / 10,
      failures: failures.slice(0, 10),
      results: streams <= 4 ? settled : undefined
    }
  },

  /** { target, bytes, seed = 'sink', protocol = '/sink/1.0.0' } → sends, closes, waits for the remote's close */
  async sink ({ target, bytes, seed = 'sink', protocol = SINK_PROTOCOL }, signal) {
    const { stream } = await openStream(target, protocol, signal)
    try {
      const reading = consume(stream, undefined, signal)
      reading.catch(() => {})
      const sent = await sendAll(stream, payloadChunks(seed, bytes), signal)
      await stream.close({ signal })
      const received = await reading
      const closed = await waitClosed(stream, signal)
      return { sent, received, status: closed.status }
    } catch (err) {
      stream.abort(err)
      throw err
    }
  },

  /**
   * { target, bytes = 100000, seed = 'half-close-reply', protocol = '/half-close/1.0.0' }
   * The remote sends its greeting and closes its write side first; we read to EOF, check the
   * greeting, then send `bytes` on our still-open write side and close it.
   */
  async halfClose ({ target, bytes = 100_000, seed = 'half-close-reply', protocol = HALF_CLOSE_PROTOCOL }, signal) {
    const { stream } = await openStream(target, protocol, signal)
    try {
      const greeting = await consume(stream, undefined, signal)
      const expected = payloadSha256(HALF_CLOSE_GREETING_SEED, HALF_CLOSE_GREETING_BYTES)
      const afterRemoteClose = { remoteWriteStatus: stream.remoteWriteStatus, writeStatus: stream.writeStatus, status: stream.status }
      const sent = await sendAll(stream, payloadChunks(seed, bytes), signal)
      await stream.close({ signal })
      const closed = await waitClosed(stream, signal)
      return {
        greeting,
        greetingOk: greeting.bytes === HALF_CLOSE_GREETING_BYTES && greeting.sha256 === expected,
        afterRemoteClose,
        sent,
        status: closed.status
      }
    } catch (err) {
      stream.abort(err)
      throw err
    }
  },

  /**
   * { target, protocol = '/echo/1.0.0', bytes = 1024 }: opens a stream, sends `bytes`, waits until
   * some come back (so the remote handler is running), then resets it. The remote's view arrives
   * as its own "stream" event (js peer) or in its handler (our node).
   */
  async resetStream ({ target, protocol = ECHO_PROTOCOL, bytes = 1024 }, signal) {
    const { stream } = await openStream(target, protocol, signal)
    const firstReply = new Promise((resolve, reject) => {
      stream.addEventListener('message', (evt) => resolve(evt.data.byteLength), { once: true })
      stream.addEventListener('close', (evt) => reject(evt.error ?? new CommandError('stream closed before any reply')), { once: true })
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    })
    for (const chunk of payloadChunks('reset', bytes)) stream.send(chunk)
    const replyBytes = await firstReply
    stream.abort(new CommandError('reset by the js peer resetStream command'))
    return { streamId: stream.id, replyBytes, status: stream.status }
  },

  /**
   * { target, protocol = '/reset/1.0.0', bytes = 1024 }: opens a stream whose remote handler resets
   * it after the first bytes; waits for the reset and reports what this side saw.
   */
  async awaitReset ({ target, protocol = RESET_PROTOCOL, bytes = 1024 }, signal) {
    const { stream } = await openStream(target, protocol, signal)
    let bytesIn = 0
    stream.addEventListener('message', (evt) => { bytesIn += evt.data.byteLength })
    const closed = waitClosed(stream, signal)
    for (const chunk of payloadChunks('await-reset', bytes)) stream.send(chunk)
    const seen = await closed
    let sendAfterReset
    try {
      stream.send(new Uint8Array(1))
      sendAfterReset = 'accepted'
    } catch (err) {
      sendAfterReset = err.name
    }
    return { ...seen, sawReset: seen.status === 'reset', bytesIn, sendAfterReset, remoteWriteStatus: stream.remoteWriteStatus, readStatus: stream.readStatus }
  },

  /** { protocol, behaviour = 'echo' }: handles a new protocol (triggers identify-push) */
  async handle ({ protocol, behaviour = 'echo' }) {
    const handler = { echo: echoHandler, sink: sinkHandler, reset: resetHandler, 'half-close': halfCloseHandler }[behaviour]
    if (typeof protocol !== 'string' || handler == null) throw new CommandError('need "protocol" and behaviour echo|sink|reset|half-close')
    await node.handle(protocol, handler, HANDLER_OPTIONS)
    return { protocols: node.getProtocols().sort() }
  },

  /** { protocol }: stops handling it (triggers identify-push) */
  async unhandle ({ protocol }) {
    await node.unhandle(protocol)
    return { protocols: node.getProtocols().sort() }
  },

  /** { peerId } → what the peer store holds: protocols, addresses, agent and protocol version */
  async peer ({ peerId }) {
    return peerRecord(peerId)
  },

  /**
   * { peerId, protocols = [], absentProtocols = [], agentVersion? } → the peer record once it has
   * every protocol in `protocols`, none of `absentProtocols` (and the agent version, if given)
   */
  async waitPeer ({ peerId, protocols = [], absentProtocols = [], agentVersion }, signal) {
    return waitFor(async () => {
      const rec = await peerRecord(peerId)
      if (!protocols.every(p => rec.protocols.includes(p))) return undefined
      if (absentProtocols.some(p => rec.protocols.includes(p))) return undefined
      if (agentVersion != null && rec.agentVersion !== agentVersion) return undefined
      return rec
    }, signal, `peer ${peerId} to have [${protocols}] and not [${absentProtocols}]`)
  },

  /** { peerId } → the latest identify result for that peer (waits for the first one) */
  async waitIdentify ({ peerId }, signal) {
    return waitFor(() => identified.get(peerId), signal, `identify with ${peerId}`)
  },

  /** { peerId? } → open connections */
  async connections ({ peerId }) {
    return node.getConnections(peerId != null ? peerIdFromString(peerId) : undefined).map(connectionInfo)
  },

  /** stops the node; the process exits after answering */
  async stop () {
    await node.stop()
    return { stopped: true }
  }
}

async function run (request) {
  const { id, cmd, timeoutMs = DEFAULT_TIMEOUT_MS, ...args } = request
  const fn = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined
  if (fn == null) throw new CommandError(`unknown command ${JSON.stringify(cmd)}; known: ${Object.keys(COMMANDS).join(', ')}`)
  const signal = AbortSignal.timeout(timeoutMs)
  setMaxListeners(Infinity, signal) // one signal is shared by every stream of a command
  log('run', id, cmd)
  return fn(args, signal)
}

let stopping = false
async function shutdown (code) {
  if (stopping) return
  stopping = true
  try {
    await node.stop()
  } catch (err) {
    console.error('[js-peer] stop failed', err)
    code = 1
  }
  process.exit(code)
}

process.on('SIGTERM', () => { shutdown(0) })
process.on('SIGINT', () => { shutdown(0) })

await node.start()
emit({
  event: 'ready',
  peerId: node.peerId.toString(),
  multiaddrs: node.getMultiaddrs().map(a => a.toString()),
  protocols: node.getProtocols().sort(),
  agentVersion: agent ?? (await peerRecord(node.peerId.toString())).agentVersion,
  pid: process.pid
})

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
lines.on('line', (line) => {
  if (line.trim() === '') return
  let request
  try {
    request = JSON.parse(line)
  } catch {
    emit({ event: 'error', error: { name: 'InvalidRequest', message: `not JSON: ${line.slice(0, 200)}` } })
    return
  }
  run(request).then((result) => {
    emit({ id: request.id, ok: true, result })
    if (request.cmd === 'stop') process.exit(0)
  }, (err) => {
    emit({ id: request.id, ok: false, error: errorInfo(err) })
  })
})
lines.on('close', () => { shutdown(0) })
