// The PeerJS 1.5.5 page of the rendezvous benchmark: the plain-WebRTC baseline. The page loads
// peerjs.min.js (global `Peer`) and this module, which starts at once from the URL
// (?port=<peer server>&target=<id to connect to>): page A only registers with the signaling server;
// page B connects to A (`peer.connect(id, { reliable: true })`) and says hello as soon as the
// DataConnection opens. Control messages are JSON strings and file bytes ArrayBuffers, so the same
// code runs over PeerJS's default 'binary' serialization (BinaryPack, chunked at 16,300 bytes) and
// over 'raw' (each send() is one data channel message).
import { params, pushBounded, randomBytes, sha256Hex } from './rendezvous-page-util.mjs'

const CHUNK_BYTES = 64 * 1024
/** the sender waits while more than this is queued in the data channel (PeerJS itself queues above 8 MiB) */
const HIGH_WATER_BYTES = 1 * 1024 * 1024
/** PeerJS retries its own queue every 50 ms; the sender looks again at least as often */
const RECHECK_MS = 50
const STEP_MS = 30_000
const MAX_FILE_BYTES = 64 * 1024 * 1024

const state = { peerId: '', open: false, directAt: {}, received: [], errors: [] }
const connections = new Map() // serialization -> DataConnection to the target
const verdicts = new Map() // file id -> resolve
let peer

function receiveOn (conn) {
  let incoming
  conn.on('data', async (data) => {
    try {
      if (typeof data !== 'string') {
        if (incoming == null) throw new Error('file bytes without a header')
        incoming.chunks.push(new Uint8Array(data))
        incoming.got += data.byteLength
        if (incoming.got < incoming.size) return
        const file = new Uint8Array(incoming.got)
        let offset = 0
        for (const c of incoming.chunks) { file.set(c, offset); offset += c.byteLength }
        const { id, size, sha256 } = incoming
        incoming = undefined
        const actual = await sha256Hex(file)
        conn.send(JSON.stringify({ type: 'verdict', id, ok: actual === sha256 && file.byteLength === size, sha256: actual }))
        return
      }
      const msg = JSON.parse(data)
      if (msg.type === 'chat') state.received.push({ peer: conn.peer, text: msg.text, at: Date.now() })
      if (msg.type === 'file') {
        if (msg.size > MAX_FILE_BYTES) throw new Error(`a file of ${msg.size} bytes`)
        incoming = { id: msg.id, size: msg.size, sha256: msg.sha256, chunks: [], got: 0 }
      }
      if (msg.type === 'verdict') verdicts.get(msg.id)?.(msg)
    } catch (err) {
      pushBounded(state.errors, `data: ${err.name}: ${err.message}`)
    }
  })
  conn.on('error', err => pushBounded(state.errors, `connection: ${err.type ?? err.name}: ${err.message}`))
}

/** resolves once the data channel can take more (its low-water event, or PeerJS's retry period) */
async function roomToSend (conn) {
  const dc = conn.dataChannel
  const deadline = Date.now() + STEP_MS
  while (conn.bufferSize > 0 || dc.bufferedAmount > HIGH_WATER_BYTES) {
    if (Date.now() > deadline) throw new Error(`the data channel took nothing for ${STEP_MS} ms`)
    dc.bufferedAmountLowThreshold = HIGH_WATER_BYTES / 2
    await new Promise(resolve => {
      const timer = setTimeout(resolve, RECHECK_MS)
      dc.addEventListener('bufferedamountlow', () => { clearTimeout(timer); resolve() }, { once: true })
    })
  }
}

async function connect (target, serialization) {
  const conn = peer.connect(target, { reliable: true, serialization })
  receiveOn(conn)
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${serialization} DataConnection within ${STEP_MS} ms`)), STEP_MS)
    conn.on('open', () => { clearTimeout(timer); resolve() })
  })
  connections.set(serialization, conn)
  return conn
}

/** sends `bytes` random bytes to the target over a DataConnection of `serialization`; timed from before hashing to the verdict */
async function sendFile (serialization, bytes) {
  const conn = connections.get(serialization) ?? await connect(params().target, serialization)
  const data = randomBytes(bytes)
  const startedAt = Date.now()
  const id = `${serialization}-${startedAt}`
  const digest = await sha256Hex(data)
  const hashedAt = Date.now()
  const verdict = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no verdict within the idle timeout')), STEP_MS)
    verdicts.set(id, (v) => { clearTimeout(timer); resolve(v) })
  })
  conn.send(JSON.stringify({ type: 'file', id, size: bytes, sha256: digest }))
  for (let offset = 0; offset < bytes; offset += CHUNK_BYTES) {
    await roomToSend(conn)
    // a copy: PeerJS's binary serialization packs the ArrayBuffer it is given, not a view's window
    conn.send(data.slice(offset, offset + CHUNK_BYTES).buffer)
  }
  const handedOverAt = Date.now()
  const v = await verdict
  verdicts.delete(id)
  return { ok: v.ok === true && v.sha256 === digest, sha256: digest, received: v.sha256, bytes, ms: Date.now() - startedAt, hashMs: hashedAt - startedAt, handedOverMs: handedOverAt - startedAt }
}

function start () {
  const { port, target } = params()
  // eslint-disable-next-line no-undef
  peer = new Peer({ host: '127.0.0.1', port: Number(port), path: '/', secure: false, debug: 0, config: { iceServers: [] } })
  peer.on('error', err => pushBounded(state.errors, `peer: ${err.type ?? err.name}: ${err.message}`))
  peer.on('connection', conn => {
    receiveOn(conn)
    conn.on('open', () => { state.directAt[conn.peer] ??= performance.now() })
  })
  peer.on('open', id => {
    state.peerId = id
    state.open = true
    if (target == null) return
    connect(target, 'binary').then(conn => {
      state.directAt[target] = performance.now()
      conn.send(JSON.stringify({ type: 'chat', text: 'hello' }))
    }, err => pushBounded(state.errors, `connect: ${err.name}: ${err.message}`))
  })
}

/** opens the DataConnection of `serialization` to the target ahead of its file; → when it opened (ms since navigation start) */
async function open (serialization) {
  if (!connections.has(serialization)) await connect(params().target, serialization)
  return performance.now()
}

window.peerjsRoom = { state, open, sendFile, leave: async () => { peer?.destroy() } }
start()
