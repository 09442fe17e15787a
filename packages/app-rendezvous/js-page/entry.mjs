// A room member built on js-libp2p 3.3.11 (bundled from interop/js-peer/node_modules by the test
// test/fixtures/js-page.ts): it speaks the app's rendezvous conventions with js's own API, so a
// page of js-libp2p and a page of ours meet in one room through our node and chat directly.
// Room key, /rendezvous/chat/1.0.0 framing and the dialled address are as docs/BROWSER.md says.
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

const CHAT = '/rendezvous/chat/1.0.0'
const MAX_CHAT_BYTES = 4096
const STEP_TIMEOUT_MS = 30_000

function varint (n) {
  const out = []
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128) }
  out.push(n)
  return Uint8Array.from(out)
}

/** one varint-length-prefixed message out of `bytes`, or throws */
function unframe (bytes) {
  let length = 0
  let shift = 1
  let i = 0
  for (; i < bytes.length && i < 4; i++) {
    length += (bytes[i] & 0x7f) * shift
    shift *= 128
    if ((bytes[i] & 0x80) === 0) break
  }
  if (length > MAX_CHAT_BYTES || bytes.length !== i + 1 + length) throw new Error(`bad chat frame (${bytes.length} bytes, length ${length})`)
  return bytes.subarray(i + 1)
}

/** every byte of a js-libp2p 3 stream until the remote closes its write side */
async function readAll (stream) {
  const chunks = []
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no end of the chat message')), STEP_TIMEOUT_MS)
    stream.addEventListener('message', (evt) => { chunks.push(evt.data.subarray()) })
    stream.addEventListener('remoteCloseWrite', () => { clearTimeout(timer); resolve() })
    stream.addEventListener('close', (evt) => { clearTimeout(timer); evt.error == null ? resolve() : reject(evt.error) })
  })
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
  let offset = 0
  for (const c of chunks) { all.set(c, offset); offset += c.byteLength }
  return all
}

export const received = []
/** what went wrong in the room loop (the last 20), for the test's failure messages */
export const errors = []
export let announced = false
let node

export async function join ({ relay, room, pollMs }) {
  node = await createLibp2p({
    addresses: { listen: [`${relay}/p2p-circuit`, '/webrtc'] },
    transports: [webSockets(), circuitRelayTransport(), webRTC({ rtcConfiguration: { iceServers: [] } })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // js's browser default refuses private addresses; the node is on 127.0.0.1
    connectionGater: { denyDialMultiaddr: () => false },
    // passthroughMapper: js drops peers with only private addresses (the node on 127.0.0.1) from its table
    services: { identify: identify(), ping: ping(), dht: kadDHT({ clientMode: true, peerInfoMapper: passthroughMapper }) }
  })
  await node.handle(CHAT, async (stream, connection) => {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(unframe(await readAll(stream)))
    received.push({ peer: connection.remotePeer.toString(), text })
    await stream.close()
  }, { runOnLimitedConnection: true })
  const key = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(`/libp2p-ts/rendezvous/room/${room}`)))
  void loop(key, pollMs)
  return node.peerId.toString()
}

async function loop (key, pollMs) {
  while (node.status === 'started') {
    try {
      if (!announced && node.getMultiaddrs().some(ma => ma.toString().includes('/p2p-circuit/webrtc'))) {
        for await (const _ of node.services.dht.provide(key, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) })) {}
        announced = true
      }
      for await (const event of node.services.dht.findProviders(key, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) })) {
        if (event.name !== 'PROVIDER') continue
        for (const provider of event.providers) {
          if (provider.id.equals(node.peerId) || direct(provider.id.toString()) != null) continue
          const target = provider.multiaddrs.find(ma => ma.toString().includes('/p2p-circuit/webrtc'))
          if (target == null) continue
          const addr = target.toString().includes('/p2p/' + provider.id.toString()) ? target : target.encapsulate(`/p2p/${provider.id.toString()}`)
          node.dial(multiaddr(addr.toString()), { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) }).catch(() => {})
        }
      }
    } catch (err) {
      errors.push(`${err.name}: ${err.message}`)
      errors.splice(0, errors.length - 20)
    }
    await new Promise(resolve => setTimeout(resolve, pollMs))
  }
}

function direct (peer) {
  return node.getConnections().find(c => c.remotePeer.toString() === peer && c.limits == null && c.remoteAddr.toString().includes('/webrtc'))
}

export function state () {
  return { announced, errors, multiaddrs: node.getMultiaddrs().map(String), connections: connections() }
}

export function connections () {
  return node.getConnections().map(c => ({ remotePeer: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString(), limited: c.limits != null, status: c.status }))
}

export async function say (peer, text) {
  const connection = direct(peer)
  if (connection == null) throw new Error(`no direct connection to ${peer}`)
  const stream = await connection.newStream(CHAT, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) })
  const bytes = new TextEncoder().encode(text)
  stream.send(varint(bytes.byteLength))
  stream.send(bytes)
  await stream.close()
}

export async function leave () {
  await node?.stop()
}
