// Our node (packages/*, imported from their dist through the workspace symlinks), in the test
// process, behind the same interface as a spawned js peer (harness.mjs): `send(cmd, args)` with the
// same commands and result shapes as interop/js-peer/peer.mjs, `waitEvent`, `eventCount`, `stop`.
// It serves the same test protocols (../js-peer/protocols.mjs) with our stream API
// (docs/STREAMS.md: read() → chunk | null at EOF, send()/onDrain(), closeWrite(), close(), abort()).
//
// checkOurNode() says which parts can run: each matrix test needs 'core' (libp2p + tcp + noise +
// yamux), 'identify', 'identify-push' or 'ping', and is skipped with the printed reason otherwise.
import { setMaxListeners } from 'node:events'
import { payloadChunks, payloadSha256 } from '../js-peer/payload.mjs'
import {
  ECHO_PROTOCOL, HALF_CLOSE_GREETING_BYTES, HALF_CLOSE_GREETING_SEED, HALF_CLOSE_PROTOCOL,
  RESET_PROTOCOL, SINK_PROTOCOL
} from '../js-peer/protocols.mjs'
import { ECHO_PIECE_BYTES, errorInfo, outcomeOf, pieces, pool, readAll, sendAll, waitClosed, withTimeout } from './ours-streams.mjs'

const DEFAULT_TIMEOUT_MS = 60_000
const STREAM_LIMIT = 1024
export const OUR_AGENT = 'libp2p-ts-interop/0.1.0'

class OursPeerError extends Error {
  static name = 'OursPeerError'
  name = 'OursPeerError'
}

// what each capability needs: [module specifier, export name]
const PARTS = {
  core: [
    ['libp2p', 'createLibp2p'],
    ['@libp2p/tcp', 'tcp'],
    ['@chainsafe/libp2p-noise', 'noise'],
    ['@chainsafe/libp2p-yamux', 'yamux'],
    ['@libp2p/peer-id', 'peerIdFromString'],
    ['@multiformats/multiaddr', 'multiaddr']
  ],
  identify: [['@libp2p/identify', 'identify']],
  'identify-push': [['@libp2p/identify', 'identifyPush']],
  ping: [['@libp2p/ping', 'ping']],
  websockets: [['@libp2p/websockets', 'webSockets']]
}

let checked
/**
 * Imports our packages and reports, per capability, either null (usable) or why not:
 * { modules, missing: { core: null | 'our node not built: …', identify: …, 'identify-push': …, ping: … } }
 */
export async function checkOurNode () {
  if (checked != null) return checked
  const modules = {}
  const missing = {}
  for (const [cap, parts] of Object.entries(PARTS)) {
    const problems = []
    for (const [spec, name] of parts) {
      let mod
      try {
        mod = modules[spec] ?? await import(spec)
        modules[spec] = mod
      } catch (err) {
        const first = String(err?.message ?? err).split('\n')[0]
        problems.push(`${spec} does not load (${err?.code ?? err?.name}: ${first})`)
        continue
      }
      if (typeof mod[name] !== 'function') problems.push(`${spec} has no ${name}() export`)
    }
    missing[cap] = problems.length === 0 ? null : `our node not built: ${problems.join('; ')}`
  }
  if (missing.core != null) {
    for (const cap of Object.keys(missing)) missing[cap] ??= missing.core
  }
  checked = { modules, missing }
  return checked
}

/**
 * Starts our node on 127.0.0.1 (TCP, Noise, Yamux, and identify/identify-push/ping where built).
 * Throws if the 'core' capability is missing: call checkOurNode() first.
 * `webSockets` (a WebSocketsInit, e.g. `{ https: { cert, key } }` or `{ tlsClientOptions }`) adds
 * the WebSockets transport (capability 'websockets'), so `listen` may hold /ws and /wss addresses.
 */
export async function startOurPeer ({ name = 'ours', listen = ['/ip4/127.0.0.1/tcp/0'], pushDebounceMs = 100, webSockets } = {}) {
  const { modules: m, missing } = await checkOurNode()
  if (missing.core != null) throw new OursPeerError(missing.core)
  if (webSockets != null && missing.websockets != null) throw new OursPeerError(missing.websockets)
  const services = {}
  if (missing.identify == null) services.identify = m['@libp2p/identify'].identify()
  if (missing['identify-push'] == null) services.identifyPush = m['@libp2p/identify'].identifyPush({ debounce: pushDebounceMs })
  if (missing.ping == null) services.ping = m['@libp2p/ping'].ping()
  const node = await m.libp2p.createLibp2p({
    addresses: { listen },
    transports: [m['@libp2p/tcp'].tcp(), ...(webSockets != null ? [m['@libp2p/websockets'].webSockets(webSockets)] : [])],
    connectionEncrypters: [m['@chainsafe/libp2p-noise'].noise()],
    streamMuxers: [m['@chainsafe/libp2p-yamux'].yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    nodeInfo: { userAgent: OUR_AGENT },
    services
  })
  const peer = new OursPeer(name, node, m, missing)
  await peer.init()
  return peer
}

class OursPeer {
  constructor (name, node, modules, missing) {
    this.name = name
    this.node = node
    this.m = modules
    this.missing = missing
    this.events = []
    this.eventWaiters = new Set()
    this.peerWaiters = new Set()
    this.identified = new Map()
    this.agentVersion = OUR_AGENT
  }

  /** why this node cannot take part in a test needing `capability`, or null */
  missingCapability (capability) {
    return this.missing[capability] ?? null
  }

  emit (evt) {
    this.events.push(evt)
    for (const w of this.eventWaiters) w(evt)
  }

  eventCount () {
    return this.events.length
  }

  waitEvent (predicate, { timeoutMs = DEFAULT_TIMEOUT_MS, from = 0, what = 'an event' } = {}) {
    const seen = this.events.slice(from).find(predicate)
    if (seen != null) return Promise.resolve(seen)
    let waiter
    const p = new Promise((resolve) => {
      waiter = (e) => { if (predicate(e)) resolve(e) }
      this.eventWaiters.add(waiter)
    })
    return withTimeout(p, timeoutMs, `${this.name} waiting for ${what}`).finally(() => this.eventWaiters.delete(waiter))
  }

  async init () {
    const { node } = this
    node.addEventListener('connection:open', (evt) => this.emit({ event: 'connection:open', ...this.connectionInfo(evt.detail) }))
    node.addEventListener('connection:close', (evt) => this.emit({ event: 'connection:close', ...this.connectionInfo(evt.detail) }))
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
      this.identified.set(result.peerId, result)
      this.emit({ event: 'peer:identify', ...result })
      for (const w of this.peerWaiters) w()
    })
    node.addEventListener('peer:update', () => { for (const w of this.peerWaiters) w() })

    const handlers = {
      [ECHO_PROTOCOL]: this.echoHandler,
      [SINK_PROTOCOL]: this.sinkHandler,
      [RESET_PROTOCOL]: this.resetHandler,
      [HALF_CLOSE_PROTOCOL]: this.halfCloseHandler
    }
    for (const [protocol, handler] of Object.entries(handlers)) {
      await node.handle(protocol, handler.bind(this), { maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT })
    }
    if (node.status !== 'started') await node.start()
    this.peerId = node.peerId.toString()
    this.multiaddrs = node.getMultiaddrs().map(a => a.toString())
    this.protocols = node.getProtocols().sort()
    this.emit({ event: 'ready', peerId: this.peerId, multiaddrs: this.multiaddrs, protocols: this.protocols, agentVersion: this.agentVersion })
  }

  connectionInfo (c) {
    return {
      connectionId: c.id,
      remotePeer: c.remotePeer.toString(),
      remoteAddr: c.remoteAddr.toString(),
      direction: c.direction,
      status: c.status,
      encryption: c.encryption,
      multiplexer: c.multiplexer,
      streams: c.streams.map(s => ({ id: s.id, protocol: s.protocol, direction: s.direction, status: s.status }))
    }
  }

  streamInfo (stream, connection) {
    return { protocol: stream.protocol, streamId: stream.id, direction: stream.direction, remotePeer: connection.remotePeer.toString(), connectionId: connection.id }
  }

  // ------------------------------------------------------------ handlers (same behaviour as peer.mjs)

  async echoHandler (stream, connection) {
    const info = this.streamInfo(stream, connection)
    let bytesOut = 0
    try {
      const read = await readAll(stream, async (data) => {
        // read() returns everything buffered (up to the Yamux window, 16 MiB), more than one
        // send() may take (maxWriteBufferSize): echo it in pieces, waiting for drains between them
        for (const piece of pieces(data, ECHO_PIECE_BYTES)) {
          bytesOut += piece.byteLength
          if (!stream.send(piece)) await stream.onDrain()
        }
      })
      await stream.closeWrite()
      const closed = await waitClosed(stream)
      this.emit({ event: 'stream', ...info, outcome: 'eof', bytesIn: read.bytes, sha256In: read.sha256, bytesOut, status: closed.status })
    } catch (err) {
      this.emit({ event: 'stream', ...info, outcome: outcomeOf(stream, err), bytesOut, status: stream.status, error: errorInfo(err) })
      stream.abort(err)
    }
  }

  async sinkHandler (stream, connection) {
    const info = this.streamInfo(stream, connection)
    try {
      const read = await readAll(stream)
      await stream.closeWrite()
      const closed = await waitClosed(stream)
      this.emit({ event: 'stream', ...info, outcome: 'eof', bytesIn: read.bytes, sha256In: read.sha256, bytesOut: 0, status: closed.status })
    } catch (err) {
      this.emit({ event: 'stream', ...info, outcome: outcomeOf(stream, err), status: stream.status, error: errorInfo(err) })
      stream.abort(err)
    }
  }

  async resetHandler (stream, connection) {
    const info = this.streamInfo(stream, connection)
    let bytesIn = 0
    try {
      const data = await stream.read()
      if (data == null) throw new OursPeerError('EOF before any data')
      bytesIn = data.byteLength
      stream.abort(new OursPeerError('reset by /reset/1.0.0 handler'))
      this.emit({ event: 'stream', ...info, outcome: 'local-reset', bytesIn, status: stream.status })
    } catch (err) {
      this.emit({ event: 'stream', ...info, outcome: outcomeOf(stream, err), bytesIn, status: stream.status, error: errorInfo(err) })
    }
  }

  async halfCloseHandler (stream, connection) {
    const info = this.streamInfo(stream, connection)
    try {
      const sent = await sendAll(stream, payloadChunks(HALF_CLOSE_GREETING_SEED, HALF_CLOSE_GREETING_BYTES))
      await stream.closeWrite()
      const writeStatusAfterClose = stream.writeStatus
      const read = await readAll(stream)
      const closed = await waitClosed(stream)
      this.emit({ event: 'stream', ...info, outcome: 'eof', bytesIn: read.bytes, sha256In: read.sha256, bytesOut: sent.bytes, sha256Out: sent.sha256, writeStatusAfterClose, status: closed.status })
    } catch (err) {
      this.emit({ event: 'stream', ...info, outcome: outcomeOf(stream, err), status: stream.status, error: errorInfo(err) })
      stream.abort(err)
    }
  }

  // ------------------------------------------------------------ commands (same names and results as peer.mjs)

  parseTarget (target) {
    if (typeof target !== 'string' || target === '') throw new OursPeerError('missing "target" (a multiaddr or a peer id)')
    return target.startsWith('/') ? this.m['@multiformats/multiaddr'].multiaddr(target) : this.m['@libp2p/peer-id'].peerIdFromString(target)
  }

  async connect (target, signal) {
    return this.node.dial(this.parseTarget(target), { signal })
  }

  async openStream (target, protocol, signal) {
    const connection = await this.connect(target, signal)
    const stream = await connection.newStream(protocol, { signal, maxOutboundStreams: STREAM_LIMIT })
    return { connection, stream }
  }

  async peerRecord (peerIdStr) {
    const peer = await this.node.peerStore.get(this.m['@libp2p/peer-id'].peerIdFromString(peerIdStr))
    const text = (key) => peer.metadata.has(key) ? new TextDecoder().decode(peer.metadata.get(key)) : undefined
    return {
      peerId: peer.id.toString(),
      protocols: [...peer.protocols].sort(),
      addresses: peer.addresses.map(a => a.multiaddr.toString()),
      agentVersion: text('AgentVersion'),
      protocolVersion: text('ProtocolVersion')
    }
  }

  waitFor (check, signal, what) {
    return new Promise((resolve, reject) => {
      let busy = false
      let again = false
      const done = (err, value) => {
        this.peerWaiters.delete(evaluate)
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
      const onAbort = () => done(new OursPeerError(`timed out waiting for ${what}`))
      signal.addEventListener('abort', onAbort, { once: true })
      this.peerWaiters.add(evaluate)
      evaluate()
    })
  }

  async echoOnce (target, protocol, seed, bytes, chunkBytes, signal) {
    const started = performance.now()
    const { stream } = await this.openStream(target, protocol, signal)
    try {
      const reading = readAll(stream, undefined, signal)
      reading.catch(() => {})
      const sent = await sendAll(stream, payloadChunks(seed, bytes, chunkBytes), signal)
      await stream.closeWrite({ signal })
      const received = await reading
      const closed = await waitClosed(stream, signal)
      return { seed, sent, received, ok: sent.bytes === received.bytes && sent.sha256 === received.sha256, status: closed.status, ms: performance.now() - started }
    } catch (err) {
      stream.abort(err)
      throw err
    }
  }

  /** Same commands as peer.mjs; see there for the arguments */
  async send (cmd, args = {}, { timeoutMs = args.timeoutMs ?? DEFAULT_TIMEOUT_MS } = {}) {
    const fn = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined
    if (fn == null) throw new OursPeerError(`unknown command ${JSON.stringify(cmd)}`)
    const signal = AbortSignal.timeout(timeoutMs)
    setMaxListeners(Infinity, signal) // one signal is shared by every stream of a command
    return withTimeout(fn.call(this, args, signal), timeoutMs + 5_000, `${this.name} ${cmd}`)
  }

  async stop () {
    if (this.stopped) return
    this.stopped = true
    await withTimeout(this.node.stop(), 10_000, `${this.name} stop`)
  }
}

const COMMANDS = {
  async info () {
    return {
      peerId: this.peerId,
      multiaddrs: this.node.getMultiaddrs().map(a => a.toString()),
      protocols: this.node.getProtocols().sort(),
      connections: this.node.getConnections().map(c => this.connectionInfo(c))
    }
  },

  async dial ({ target }, signal) {
    return this.connectionInfo(await this.connect(target, signal))
  },

  async hangUp ({ target }, signal) {
    await this.node.hangUp(this.parseTarget(target), { signal })
    return { connections: this.node.getConnections().length }
  },

  async ping ({ target, count = 1 }, signal) {
    const rtts = []
    for (let i = 0; i < count; i++) rtts.push(await this.node.services.ping.ping(this.parseTarget(target), { signal }))
    return { rtt: rtts[0], rtts }
  },

  async echo ({ target, bytes, streams = 1, concurrency, protocol = ECHO_PROTOCOL, seed = 'echo', chunkBytes }, signal) {
    const started = performance.now()
    await this.connect(target, signal)
    const settled = await pool(streams, concurrency ?? streams, async (i) => {
      try {
        return await this.echoOnce(target, protocol, `${seed}-${i}`, bytes, chunkBytes, signal)
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

  async sink ({ target, bytes, seed = 'sink', protocol = SINK_PROTOCOL }, signal) {
    const { stream } = await this.openStream(target, protocol, signal)
    try {
      const reading = readAll(stream, undefined, signal)
      reading.catch(() => {})
      const sent = await sendAll(stream, payloadChunks(seed, bytes), signal)
      await stream.closeWrite({ signal })
      const received = await reading
      const closed = await waitClosed(stream, signal)
      return { sent, received, status: closed.status }
    } catch (err) {
      stream.abort(err)
      throw err
    }
  },

  async halfClose ({ target, bytes = 100_000, seed = 'half-close-reply', protocol = HALF_CLOSE_PROTOCOL }, signal) {
    const { stream } = await this.openStream(target, protocol, signal)
    try {
      const greeting = await readAll(stream, undefined, signal)
      const expected = payloadSha256(HALF_CLOSE_GREETING_SEED, HALF_CLOSE_GREETING_BYTES)
      const afterRemoteClose = { readStatus: stream.readStatus, writeStatus: stream.writeStatus, status: stream.status }
      const sent = await sendAll(stream, payloadChunks(seed, bytes), signal)
      await stream.closeWrite({ signal })
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

  async resetStream ({ target, protocol = ECHO_PROTOCOL, bytes = 1024 }, signal) {
    const { stream } = await this.openStream(target, protocol, signal)
    for (const chunk of payloadChunks('reset', bytes)) stream.send(chunk)
    const reply = await stream.read({ signal })
    if (reply == null) throw new OursPeerError('EOF before any reply')
    stream.abort(new OursPeerError('reset by our node\'s resetStream command'))
    return { streamId: stream.id, replyBytes: reply.byteLength, status: stream.status }
  },

  async awaitReset ({ target, protocol = RESET_PROTOCOL, bytes = 1024 }, signal) {
    const { stream } = await this.openStream(target, protocol, signal)
    for (const chunk of payloadChunks('await-reset', bytes)) stream.send(chunk)
    let bytesIn = 0
    let readError
    try {
      while (true) {
        const data = await stream.read({ signal })
        if (data == null) break
        bytesIn += data.byteLength
      }
    } catch (err) {
      readError = errorInfo(err)
    }
    signal.throwIfAborted()
    const seen = await waitClosed(stream, signal)
    let sendAfterReset
    try {
      stream.send(new Uint8Array(1))
      sendAfterReset = 'accepted'
    } catch (err) {
      sendAfterReset = err.name
    }
    return { ...seen, error: seen.error ?? readError, sawReset: seen.status === 'reset', bytesIn, sendAfterReset, readStatus: stream.readStatus }
  },

  async handle ({ protocol, behaviour = 'echo' }) {
    const handler = { echo: this.echoHandler, sink: this.sinkHandler, reset: this.resetHandler, 'half-close': this.halfCloseHandler }[behaviour]
    if (typeof protocol !== 'string' || handler == null) throw new OursPeerError('need "protocol" and behaviour echo|sink|reset|half-close')
    await this.node.handle(protocol, handler.bind(this), { maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT })
    return { protocols: this.node.getProtocols().sort() }
  },

  async unhandle ({ protocol }) {
    await this.node.unhandle(protocol)
    return { protocols: this.node.getProtocols().sort() }
  },

  async peer ({ peerId }) {
    return this.peerRecord(peerId)
  },

  async waitPeer ({ peerId, protocols = [], absentProtocols = [], agentVersion }, signal) {
    return this.waitFor(async () => {
      const rec = await this.peerRecord(peerId)
      if (!protocols.every(p => rec.protocols.includes(p))) return undefined
      if (absentProtocols.some(p => rec.protocols.includes(p))) return undefined
      if (agentVersion != null && rec.agentVersion !== agentVersion) return undefined
      return rec
    }, signal, `peer ${peerId} to have [${protocols}] and not [${absentProtocols}]`)
  },

  async waitIdentify ({ peerId }, signal) {
    return this.waitFor(() => this.identified.get(peerId), signal, `identify with ${peerId}`)
  },

  async connections ({ peerId }) {
    return this.node.getConnections(peerId != null ? this.m['@libp2p/peer-id'].peerIdFromString(peerId) : undefined).map(c => this.connectionInfo(c))
  },

  async stop () {
    await this.stop()
    return { stopped: true }
  }
}
