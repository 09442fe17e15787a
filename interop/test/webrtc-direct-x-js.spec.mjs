// WebRTC-Direct against js-libp2p 3.3.11 + @libp2p/webrtc 6.0.33's webRTCDirect() (interop/js-peer
// on Node 24, listening on /webrtc-direct or started with --webrtc-direct), on 127.0.0.1, both
// sides on node-datachannel: a js listener and our dialer, our listener and a js dialer. Each:
// ICE lite with invented SDP, DTLS checked against the certhash, Noise on data channel 0 with the
// fingerprints as prologue, then ping and an echo over data-channel streams.
import assert from 'node:assert/strict'
import { payloadChunks, payloadSha256 } from '../js-peer/payload.mjs'
import { ECHO_PROTOCOL } from '../js-peer/protocols.mjs'
import { spawnJsPeer } from './harness.mjs'
import { checkOurNode } from './ours-peer.mjs'
import { readAll, sendAll } from './ours-streams.mjs'

const ECHO_BYTES = 64 * 1024
const WAIT_MS = 20_000

async function loadParts () {
  const { missing, modules } = await checkOurNode()
  const reason = missing.core ?? missing.ping
  if (reason != null) return { reason }
  try {
    return { m: modules, webrtc: await import('@libp2p/webrtc') }
  } catch (err) {
    return { reason: `our node not built: @libp2p/webrtc does not load (${err?.code ?? err?.name}: ${String(err?.message).split('\n')[0]})` }
  }
}

/** our node with webRTCDirect(), ping and echo; listening on 127.0.0.1 if asked */
async function ourNode ({ m, webrtc }, { listen = false } = {}) {
  const node = await m.libp2p.createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/udp/0/webrtc-direct'] : [] },
    transports: [webrtc.webRTCDirect()],
    connectionEncrypters: [m['@chainsafe/libp2p-noise'].noise()],
    streamMuxers: [m['@chainsafe/libp2p-yamux'].yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { ping: m['@libp2p/ping'].ping() }
  })
  await node.handle(ECHO_PROTOCOL, async (stream) => {
    await readAll(stream, async (chunk) => { if (!stream.send(chunk)) await stream.onDrain() })
    await stream.closeWrite()
  })
  return node
}

/** ECHO_BYTES of payload `seed` on a new echo stream, the write side closed, everything read back */
async function ourEcho (connection, seed, signal) {
  const stream = await connection.newStream(ECHO_PROTOCOL, { signal })
  const reading = readAll(stream, undefined, signal)
  const sent = await sendAll(stream, payloadChunks(seed, ECHO_BYTES), signal)
  await stream.closeWrite({ signal })
  return { sent, received: await reading }
}

describe('WebRTC-Direct: ours × js-libp2p', function () {
  this.timeout(60_000)
  const stops = []
  let parts

  before(async function () {
    parts = await loadParts()
    if (parts.reason != null) {
      console.log(`      SKIPPED (every case): ${parts.reason}`)
      this.skip()
    }
  })

  afterEach(async () => {
    await Promise.allSettled(stops.splice(0).map(async stop => stop()))
  })

  after(async () => {
    // node-datachannel keeps the process alive until cleaned up
    const { cleanup } = await import('node-datachannel').catch(() => ({}))
    cleanup?.()
  })

  it('js listener, our dialer: connect to …/webrtc-direct/certhash/…, ping, echo', async () => {
    const listener = await spawnJsPeer({ name: 'js-webrtc-direct-listener', listen: ['/ip4/127.0.0.1/udp/0/webrtc-direct'] })
    stops.push(() => listener.stop())
    const { multiaddrs } = await listener.send('waitAddr', { contains: '/webrtc-direct/certhash/', timeoutMs: WAIT_MS })
    const target = multiaddrs.find(a => a.startsWith('/ip4/127.0.0.1/udp/') && a.includes('/webrtc-direct/certhash/'))
    assert.ok(target != null, `no WebRTC-Direct address: ${multiaddrs.join(', ')}`)

    const dialer = await ourNode(parts)
    stops.push(() => dialer.stop())
    const signal = AbortSignal.timeout(WAIT_MS)
    const connection = await dialer.dial(parts.m['@multiformats/multiaddr'].multiaddr(target), { signal })
    assert.equal(connection.remotePeer.toString(), listener.peerId)
    assert.equal(connection.multiplexer, '/webrtc')
    assert.ok(await dialer.services.ping.ping(connection.remotePeer, { signal }) >= 0)
    const { sent, received } = await ourEcho(connection, 'ours-direct', signal)
    assert.equal(received.bytes, ECHO_BYTES)
    assert.equal(received.sha256, payloadSha256('ours-direct', ECHO_BYTES))
    assert.equal(sent.sha256, received.sha256)
  })

  it('our listener, js dialer: connect, ping, echo', async () => {
    const listener = await ourNode(parts, { listen: true })
    stops.push(() => listener.stop())
    const target = listener.getMultiaddrs().map(String).find(a => a.includes('/webrtc-direct/certhash/'))
    assert.ok(target != null, `no WebRTC-Direct address: ${listener.getMultiaddrs().join(', ')}`)

    const dialer = await spawnJsPeer({ name: 'js-webrtc-direct-dialer', env: { JS_PEER_WEBRTC_DIRECT: '1' } })
    stops.push(() => dialer.stop())
    const connection = await dialer.send('dial', { target, timeoutMs: WAIT_MS })
    assert.equal(connection.remotePeer, listener.peerId.toString())
    const { rtt } = await dialer.send('ping', { target: listener.peerId.toString(), timeoutMs: WAIT_MS })
    assert.ok(rtt >= 0)
    const echo = await dialer.send('echo', { target: listener.peerId.toString(), bytes: ECHO_BYTES, seed: 'webrtc-direct', timeoutMs: WAIT_MS })
    assert.equal(echo.ok, true, JSON.stringify(echo.failures))
    assert.equal(echo.results[0].received.sha256, payloadSha256('webrtc-direct-0', ECHO_BYTES))
  })
})
