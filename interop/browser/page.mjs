// Runs inside the Chromium page (served unbundled by server.mjs, next to the bundle of entry.mjs).
// Drives the browser node; the test calls these through page.evaluate(), e.g.
//   await page.evaluate(a => window.driver.ping(a.target, 3), { target })
// Every wait is bounded by a timeout (AbortSignal.timeout). Browser APIs only: no Node modules.
//
// Both stacks share the node API (createLibp2p init, dial, services.ping, the peer:identify event,
// peerStore); the stream API differs, so echo() has one version per stack:
//   ours (docs/STREAMS.md): read() → chunk | null at EOF, send() → boolean + onDrain(), closeWrite()
//   js-libp2p 3.x: 'message'/'close' events, send() → boolean + 'drain' event, close() = close the write side

const DEFAULT_TIMEOUT_MS = 20_000
const RANDOM_CHUNK_BYTES = 65_536 // the most crypto.getRandomValues() fills per call
const SEND_CHUNK_BYTES = 64 * 1024

class PageError extends Error {
  static name = 'PageError'
  name = 'PageError'
}

let lib
let stack
let node
const identified = new Map()
/** peer id string → PeerId, from identify (the bundle exports no peer id parser) */
const peerIds = new Map()
const identifyWaiters = new Set()

function errorText (err) {
  return `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}`
}

function bounded (promise, timeoutMs, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new PageError(`timed out after ${timeoutMs} ms: ${what}`)), timeoutMs)
    })
  ]).finally(() => clearTimeout(timer))
}

function connectionInfo (c) {
  return {
    id: c.id,
    remotePeer: c.remotePeer.toString(),
    remoteAddr: c.remoteAddr.toString(),
    direction: c.direction,
    status: c.status,
    encryption: c.encryption,
    multiplexer: c.multiplexer
  }
}

async function hex (data) {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map(b => b.toString(16).padStart(2, '0')).join('')
}

/** Starts the browser node. `bundle` is the module built from entry.mjs. */
export async function start (bundle, { stack: s, agent }) {
  lib = bundle
  stack = s
  node = await lib.createBrowserNode({
    nodeInfo: { userAgent: agent },
    // js-libp2p's browser default refuses private addresses and plain ws; both are the point here
    connectionGater: { denyDialMultiaddr: () => false }
  })
  node.addEventListener('peer:identify', (evt) => {
    const r = evt.detail
    const result = {
      peerId: r.peerId.toString(),
      protocols: [...r.protocols].sort(),
      listenAddrs: r.listenAddrs.map(a => a.toString()),
      agentVersion: r.agentVersion,
      protocolVersion: r.protocolVersion,
      observedAddr: r.observedAddr?.toString()
    }
    identified.set(result.peerId, result)
    peerIds.set(result.peerId, r.peerId)
    for (const w of identifyWaiters) w()
  })
  if (node.status !== 'started') await node.start()
  return {
    peerId: node.peerId.toString(),
    protocols: node.getProtocols().sort(),
    multiaddrs: node.getMultiaddrs().map(a => a.toString()),
    userAgent: navigator.userAgent,
    secureContext: globalThis.isSecureContext
  }
}

export async function dial (target, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const started = performance.now()
  const conn = await node.dial(lib.multiaddr(target), { signal: AbortSignal.timeout(timeoutMs) })
  return { ...connectionInfo(conn), ms: performance.now() - started }
}

/** the identify result for peerId (waits for it) */
export async function waitIdentify (peerId, timeoutMs = DEFAULT_TIMEOUT_MS) {
  let waiter
  const p = new Promise((resolve) => {
    waiter = () => { if (identified.has(peerId)) resolve(identified.get(peerId)) }
    identifyWaiters.add(waiter)
    waiter()
  })
  return bounded(p, timeoutMs, `identify with ${peerId}`).finally(() => identifyWaiters.delete(waiter))
}

/** what the peer store holds about peerId */
export async function peer (peerId) {
  const id = peerIds.get(peerId) ?? node.getPeers().find(id => id.toString() === peerId)
  if (id == null) throw new PageError(`no identify result or connection for ${peerId}`)
  const p = await node.peerStore.get(id)
  const text = (key) => p.metadata.has(key) ? new TextDecoder().decode(p.metadata.get(key)) : undefined
  return { protocols: [...p.protocols].sort(), agentVersion: text('AgentVersion'), addresses: p.addresses.map(a => a.multiaddr.toString()) }
}

export async function ping (target, count = 1, timeoutMs = DEFAULT_TIMEOUT_MS) {
  const rtts = []
  const signal = AbortSignal.timeout(timeoutMs)
  for (let i = 0; i < count; i++) rtts.push(await node.services.ping.ping(lib.multiaddr(target), { signal }))
  return { rtts }
}

export async function connections () {
  return node.getConnections().map(connectionInfo)
}

/** `bytes` random bytes, as SEND_CHUNK_BYTES pieces */
function randomPayload (bytes) {
  const payload = new Uint8Array(bytes)
  for (let i = 0; i < bytes; i += RANDOM_CHUNK_BYTES) crypto.getRandomValues(payload.subarray(i, Math.min(i + RANDOM_CHUNK_BYTES, bytes)))
  const chunks = []
  for (let i = 0; i < bytes; i += SEND_CHUNK_BYTES) chunks.push(payload.subarray(i, Math.min(i + SEND_CHUNK_BYTES, bytes)))
  return { payload, chunks }
}

/** copies a Uint8Array or a Uint8ArrayList into received at offset; returns the new offset */
function copyInto (received, offset, data) {
  for (const buf of data instanceof Uint8Array ? [data] : data) {
    if (offset + buf.byteLength > received.byteLength) throw new PageError(`echo returned more than the ${received.byteLength} bytes sent`)
    received.set(buf, offset)
    offset += buf.byteLength
  }
  return offset
}

/**
 * Sends `bytes` random bytes on `protocol` (an echo), closes the write side, reads the echo to EOF.
 * → { sent: { bytes, sha256 }, received: { bytes, sha256 }, ms, MBps } (sha256 with crypto.subtle)
 */
export async function echo (target, { bytes, protocol = '/echo/1.0.0', timeoutMs = 60_000 }) {
  const signal = AbortSignal.timeout(timeoutMs)
  const { payload, chunks } = randomPayload(bytes)
  const received = new Uint8Array(bytes)
  const started = performance.now()
  const stream = await node.dialProtocol(lib.multiaddr(target), protocol, { signal })
  let receivedBytes
  try {
    receivedBytes = stack === 'ours'
      ? await echoOurs(stream, chunks, received, signal)
      : await echoJs(stream, chunks, received, signal)
  } catch (err) {
    stream.abort(err instanceof Error ? err : new PageError(errorText(err)))
    throw err
  }
  const ms = performance.now() - started
  return {
    sent: { bytes: payload.byteLength, sha256: await hex(payload) },
    received: { bytes: receivedBytes, sha256: await hex(received.subarray(0, receivedBytes)) },
    status: stream.status,
    ms,
    MBps: (2 * bytes / 1e6) / (ms / 1000)
  }
}

async function echoOurs (stream, chunks, received, signal) {
  const reading = (async () => {
    let offset = 0
    while (true) {
      const data = await stream.read({ signal })
      if (data == null) return offset
      offset = copyInto(received, offset, data)
    }
  })()
  reading.catch(() => {})
  for (const chunk of chunks) {
    signal.throwIfAborted()
    if (!stream.send(chunk)) await stream.onDrain({ signal })
  }
  await stream.closeWrite({ signal })
  return reading
}

async function echoJs (stream, chunks, received, signal) {
  let offset = 0
  const reading = new Promise((resolve, reject) => {
    stream.addEventListener('message', (evt) => {
      try {
        offset = copyInto(received, offset, evt.data)
      } catch (err) {
        reject(err)
      }
    })
    stream.addEventListener('close', (evt) => { if (evt.error != null) reject(evt.error); else resolve(offset) })
    stream.addEventListener('end', () => resolve(offset))
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
  reading.catch(() => {})
  for (const chunk of chunks) {
    signal.throwIfAborted()
    if (!stream.send(chunk)) {
      // js-libp2p 3's onDrain() stops waiting after the first drain: wait for the event
      await new Promise((resolve, reject) => {
        stream.addEventListener('drain', resolve, { once: true })
        signal.addEventListener('abort', () => reject(signal.reason), { once: true })
      })
    }
  }
  await stream.close({ signal })
  return reading
}

export async function stop () {
  await node?.stop()
  return { status: node?.status }
}
