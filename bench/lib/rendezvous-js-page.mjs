// The js-libp2p 3.3.11 room member of the rendezvous benchmark (bench/lib/rendezvous-js.mjs bundles
// it against interop/js-peer/node_modules). It starts by itself when the page loads, from the URL
// (?relay=&room=&poll=&hello=1), so the time from navigation start is the stack's and not the
// bench's, and it follows the app's rules (packages/app-rendezvous/src/room.ts and peers.ts):
// announce once a relayed /webrtc address exists (again when it changes), look the room up every
// `poll` ms, and of two pages the one with the smaller peer id dials at once, the other after
// 2 x poll. Chat and files use the app's protocols and framing, so both pages do what ours do.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { params, pushBounded, randomBytes, sha256Hex } from './rendezvous-page-util.mjs'

const CHAT = '/rendezvous/chat/1.0.0'
const FILE = '/rendezvous/file/1.0.0'
const ROOM_NAMESPACE = '/libp2p-ts/rendezvous/room/'
/** as the app's constants: a step of the room loop, a dial, an idle transfer */
const STEP_MS = 30_000
const CHUNK_BYTES = 64 * 1024
/** the largest file accepted (the app's MAX_FILE_BYTES) */
const MAX_FILE_BYTES = 64 * 1024 * 1024
const HELLO_TRIES = 3
const HELLO_TRY_MS = 5_000

const state = { peerId: '', announced: false, directAt: {}, received: [], errors: [], dials: 0, helloTries: 0 }
/** room members found and dialled (or scheduled); a failed dial forgets one, so the next lookup tries again */
const known = new Set()
let node
let wake

function lengthPrefixed (bytes) {
  const prefix = []
  for (let n = bytes.byteLength; ; n = Math.floor(n / 128)) {
    if (n < 0x80) { prefix.push(n); break }
    prefix.push((n & 0x7f) | 0x80)
  }
  const out = new Uint8Array(prefix.length + bytes.byteLength)
  out.set(prefix)
  out.set(bytes, prefix.length)
  return out
}

/** → [message, bytes after it] of a varint-length-prefixed message at the start of `all` */
function firstMessage (all) {
  let length = 0
  let i = 0
  for (let shift = 1; i < Math.min(all.length, 5); shift *= 128) {
    const b = all[i++]
    length += (b & 0x7f) * shift
    if ((b & 0x80) === 0) break
  }
  if (i + length > all.length) throw new Error(`a length-prefixed message of ${length} bytes is cut off at ${all.length}`)
  return [all.subarray(i, i + length), all.subarray(i + length)]
}

/** every byte the remote sends until it closes its write side, bounded by `max` */
async function readToEnd (stream, max) {
  const chunks = []
  let total = 0
  for await (const chunk of stream) {
    const bytes = chunk.subarray()
    total += bytes.byteLength
    if (total > max) throw new Error(`more than ${max} bytes`)
    chunks.push(bytes)
  }
  const all = new Uint8Array(total)
  let offset = 0
  for (const c of chunks) { all.set(c, offset); offset += c.byteLength }
  return all
}

const json = (bytes) => JSON.parse(new TextDecoder().decode(bytes))
const encodeJson = (value) => lengthPrefixed(new TextEncoder().encode(JSON.stringify(value)))

function directTo (peer) {
  return node.getConnections().find(c => c.remotePeer.toString() === peer && c.status === 'open' && c.limits == null && c.remoteAddr.toString().includes('/webrtc'))
}

async function say (peer, text, timeoutMs = STEP_MS) {
  const connection = directTo(peer)
  if (connection == null) throw new Error(`no direct connection to ${peer}`)
  const stream = await connection.newStream(CHAT, { signal: AbortSignal.timeout(timeoutMs) })
  stream.send(lengthPrefixed(new TextEncoder().encode(text)))
  await stream.close({ signal: AbortSignal.timeout(STEP_MS) })
}

/**
 * The first message, as soon as the direct connection is up (one macrotask later, as ours' is sent
 * after a poll). A stream opened that early sometimes never opens on js-libp2p 3.3.11 (newStream
 * timed out in 1 of 4 tries here), so it is tried up to HELLO_TRIES times, HELLO_TRY_MS each;
 * the tries are counted and the time includes them.
 */
async function helloTo (peer) {
  for (let i = 1; i <= HELLO_TRIES; i++) {
    state.helloTries = i
    try {
      await say(peer, 'hello', HELLO_TRY_MS)
      return
    } catch (err) {
      pushBounded(state.errors, `hello ${i}: ${err.name}: ${err.message}`)
    }
  }
}

/** sends `bytes` random bytes to `peer` over the direct connection; → the sender's view, timed from before hashing to the verdict */
async function sendFile (peer, bytes) {
  const data = randomBytes(bytes)
  const startedAt = Date.now()
  const digest = await sha256Hex(data)
  const hashedAt = Date.now()
  const connection = directTo(peer)
  if (connection == null) throw new Error(`no direct connection to ${peer}`)
  const stream = await connection.newStream(FILE, { signal: AbortSignal.timeout(STEP_MS) })
  stream.send(encodeJson({ name: 'bench.bin', size: bytes, sha256: digest }))
  for (let offset = 0; offset < bytes; offset += CHUNK_BYTES) {
    // js-libp2p 3's onDrain() stops waiting after the first drain (RECIPES 7.1): the 'drain' event does not
    if (!stream.send(data.subarray(offset, offset + CHUNK_BYTES))) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no drain within the idle timeout')), STEP_MS)
        stream.addEventListener('drain', () => { clearTimeout(timer); resolve() }, { once: true })
      })
    }
  }
  const handedOverAt = Date.now()
  await stream.close({ signal: AbortSignal.timeout(STEP_MS) })
  const [verdict] = firstMessage(await readToEnd(stream, 1024))
  const { ok, sha256: received } = json(verdict)
  return { ok: ok === true && received === digest, sha256: digest, received, bytes, ms: Date.now() - startedAt, hashMs: hashedAt - startedAt, handedOverMs: handedOverAt - startedAt }
}

async function receiveFile (stream) {
  const [header, file] = firstMessage(await readToEnd(stream, MAX_FILE_BYTES + 1024))
  const { size, sha256: announced } = json(header)
  const actual = await sha256Hex(file)
  stream.send(encodeJson({ ok: file.byteLength === size && actual === announced, sha256: actual }))
  await stream.close({ signal: AbortSignal.timeout(STEP_MS) })
}

async function join () {
  const { relay, room, poll, hello } = params()
  const pollMs = Number(poll)
  node = await createLibp2p({
    addresses: { listen: [`${relay}/p2p-circuit`, '/webrtc'] },
    transports: [webSockets(), circuitRelayTransport(), webRTC({ rtcConfiguration: { iceServers: [] } })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // js's browser default refuses private addresses; the node is on 127.0.0.1
    connectionGater: { denyDialMultiaddr: () => false },
    connectionManager: { dialTimeout: STEP_MS },
    // passthroughMapper: js drops peers with only private addresses (the node on 127.0.0.1) from its table
    services: { identify: identify(), ping: ping(), dht: kadDHT({ clientMode: true, peerInfoMapper: passthroughMapper }) }
  })
  state.peerId = node.peerId.toString()
  await node.handle(CHAT, async (stream, connection) => {
    const [text] = firstMessage(await readToEnd(stream, 4096))
    state.received.push({ peer: connection.remotePeer.toString(), text: new TextDecoder().decode(text), at: Date.now() })
    await stream.close()
  }, { runOnLimitedConnection: true })
  await node.handle(FILE, async (stream) => {
    await receiveFile(stream).catch(err => { pushBounded(state.errors, `file: ${err.name}: ${err.message}`); stream.abort(err) })
  })
  node.addEventListener('connection:open', (evt) => {
    const c = evt.detail
    const peer = c.remotePeer.toString()
    if (c.limits != null || !c.remoteAddr.toString().includes('/webrtc') || state.directAt[peer] != null) return
    state.directAt[peer] = performance.now()
    if (hello === '1') setTimeout(() => { void helloTo(peer) }, 0)
  })
  node.addEventListener('self:peer:update', () => { wake?.() })
  const key = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`${ROOM_NAMESPACE}${room}`)))
  void loop(key, pollMs)
}

async function loop (key, pollMs) {
  let announcedAs = ''
  while (node.status === 'started') {
    try {
      const own = node.getMultiaddrs().map(String).filter(a => a.includes('/p2p-circuit/webrtc')).sort().join(' ')
      if (own !== '' && own !== announcedAs) {
        for await (const _ of node.services.dht.provide(key, { signal: AbortSignal.timeout(STEP_MS) })) {}
        announcedAs = own
        state.announced = true
      }
      for await (const event of node.services.dht.findProviders(key, { signal: AbortSignal.timeout(STEP_MS) })) {
        if (event.name !== 'PROVIDER') continue
        for (const provider of event.providers) {
          const id = provider.id.toString()
          if (id === state.peerId || known.has(id)) continue
          const target = provider.multiaddrs.find(ma => ma.toString().includes('/p2p-circuit/webrtc'))
          if (target == null) continue
          known.add(id)
          const addr = target.toString().includes(`/p2p/${id}`) ? target.toString() : `${target.toString()}/p2p/${id}`
          setTimeout(() => { void dialDirect(id, addr) }, state.peerId < id ? 0 : 2 * pollMs)
        }
      }
    } catch (err) {
      pushBounded(state.errors, `room: ${err.name}: ${err.message}`)
    }
    await new Promise(resolve => {
      const timer = setTimeout(resolve, pollMs)
      wake = () => { clearTimeout(timer); resolve() }
    })
  }
}

async function dialDirect (id, addr) {
  if (directTo(id) != null || node.status !== 'started') return
  state.dials++
  await node.dial(multiaddr(addr), { signal: AbortSignal.timeout(STEP_MS), force: true })
    .catch(err => { known.delete(id); pushBounded(state.errors, `dial: ${err.name}: ${err.message}`) })
}

window.jsRoom = {
  state,
  say,
  sendFile,
  leave: async () => { await node?.stop() }
}
join().catch(err => { pushBounded(state.errors, `join: ${err.name}: ${err.message}`) })
