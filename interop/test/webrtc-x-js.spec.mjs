// Private-to-private WebRTC against js-libp2p 3.3.11 + @libp2p/webrtc 6.0.33 (interop/js-peer on
// Node 24, started with --webrtc), through our circuit relay over TCP on 127.0.0.1; both sides
// use node-datachannel bound to 127.0.0.1:
// - a js listener (reachable at <relay>/p2p-circuit/webrtc/p2p/<js>), our dialer;
// - our listener, a js dialer.
// Each: /webrtc-signaling/0.0.1 over the relayed connection, a direct WebRTC connection (no
// encrypter, data channels as streams), then ping and an echo over it once the relayed
// connections are closed.
import assert from 'node:assert/strict'
import { payloadSha256 } from '../js-peer/payload.mjs'
import { ECHO_PROTOCOL } from '../js-peer/protocols.mjs'
import { spawnJsPeer } from './harness.mjs'
import { checkOurNode } from './ours-peer.mjs'

const ECHO_BYTES = 64 * 1024
const WAIT_MS = 20_000
/** node-datachannel skips the loopback interface unless bound to it */
const rtcConfiguration = { iceServers: [], bindAddress: '127.0.0.1' }

let loaded
async function loadParts () {
  const { missing } = await checkOurNode()
  const reason = missing.core ?? missing.ping
  if (reason != null) return { reason }
  try {
    loaded ??= { relay: await import('@libp2p/circuit-relay-v2'), webrtc: await import('@libp2p/webrtc') }
    return { m: (await checkOurNode()).modules, ...loaded }
  } catch (err) {
    return { reason: `our node not built: @libp2p/circuit-relay-v2 or @libp2p/webrtc does not load (${err?.code ?? err?.name}: ${String(err?.message).split('\n')[0]})` }
  }
}

/** our node over TCP with ping and echo; a relay, or a WebRTC peer (listening through `relayAddr` if given) */
async function ourNode ({ m, relay, webrtc }, { relayAddr, server = false } = {}) {
  const node = await m.libp2p.createLibp2p({
    addresses: { listen: server ? ['/ip4/127.0.0.1/tcp/0'] : relayAddr != null ? [`${relayAddr}/p2p-circuit`, '/webrtc'] : [] },
    transports: [m['@libp2p/tcp'].tcp(), ...(server ? [] : [relay.circuitRelayTransport(), webrtc.webRTC({ rtcConfiguration })])],
    connectionEncrypters: [m['@chainsafe/libp2p-noise'].noise()],
    streamMuxers: [m['@chainsafe/libp2p-yamux'].yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    // relayed connections all come from the relay's IP
    connectionManager: { inboundConnectionThreshold: 100 },
    services: {
      ping: m['@libp2p/ping'].ping(),
      ...(server ? { relay: relay.circuitRelayServer() } : {})
    }
  })
  await node.handle(ECHO_PROTOCOL, async (stream) => {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    await stream.closeWrite()
  })
  return node
}

/** send ECHO_BYTES on a new echo stream, close the write side, read everything back: the sha256 of each */
async function ourEcho (connection, signal) {
  const { createHash } = await import('node:crypto')
  const stream = await connection.newStream(ECHO_PROTOCOL, { signal })
  const payload = new Uint8Array(ECHO_BYTES).map((_, i) => (i * 31) & 0xff)
  const sending = (async () => {
    for (let at = 0; at < payload.byteLength; at += 16 * 1024) {
      if (!stream.send(payload.subarray(at, at + 16 * 1024))) await stream.onDrain({ signal })
    }
    await stream.closeWrite({ signal })
  })()
  const hash = createHash('sha256')
  let received = 0
  while (true) {
    const chunk = await stream.read({ signal })
    if (chunk == null) break
    received += chunk.byteLength
    for (const piece of chunk) hash.update(piece)
  }
  await sending
  return { received, sha256: hash.digest('hex'), sent: createHash('sha256').update(payload).digest('hex') }
}

/** close our relayed (limited) connections to `peerId`, leaving the WebRTC one */
async function closeRelayed (node, peerId) {
  await Promise.all(node.getConnections(peerId).filter(c => c.limits != null).map(async c => c.close()))
}

describe('WebRTC private-to-private: ours × js-libp2p', function () {
  this.timeout(60_000)
  const stops = []
  let parts
  let relayAddr

  before(async function () {
    parts = await loadParts()
    if (parts.reason != null) {
      console.log(`      SKIPPED (every case): ${parts.reason}`)
      this.skip()
    }
    const relay = await ourNode(parts, { server: true })
    stops.push(() => relay.stop())
    relayAddr = relay.getMultiaddrs()[0].toString()
  })

  after(async () => {
    await Promise.allSettled(stops.splice(0).map(async stop => stop()))
    // node-datachannel keeps the process alive until cleaned up
    const { cleanup } = await import('node-datachannel').catch(() => ({}))
    cleanup?.()
  })

  it('js listener, our dialer: connect over WebRTC through our relay, ping, echo', async () => {
    const listener = await spawnJsPeer({ name: 'js-webrtc-listener', listen: [`${relayAddr}/p2p-circuit`, '/webrtc'] })
    stops.push(() => listener.stop())
    const { multiaddrs } = await listener.send('waitAddr', { contains: '/p2p-circuit/webrtc/', timeoutMs: WAIT_MS })
    const target = multiaddrs.find(a => a.startsWith(`${relayAddr}/p2p-circuit/webrtc/p2p/`))
    assert.ok(target != null, `no WebRTC address through our relay: ${multiaddrs.join(', ')}`)

    const dialer = await ourNode(parts)
    stops.push(() => dialer.stop())
    const signal = AbortSignal.timeout(WAIT_MS)
    const connection = await dialer.dial(parts.m['@multiformats/multiaddr'].multiaddr(target), { signal })
    assert.equal(connection.remotePeer.toString(), listener.peerId)
    assert.equal(connection.multiplexer, '/webrtc')
    assert.equal(connection.encryption, undefined)
    assert.equal(connection.limits, undefined)
    await closeRelayed(dialer, connection.remotePeer)
    assert.deepEqual(dialer.getConnections(connection.remotePeer), [connection])
    assert.ok(await dialer.services.ping.ping(connection.remotePeer, { signal }) >= 0)
    const echoed = await ourEcho(connection, signal)
    assert.equal(echoed.received, ECHO_BYTES)
    assert.equal(echoed.sha256, echoed.sent)
    // the js side sees one WebRTC connection from us
    const { connections } = await listener.send('info', {})
    const ours = connections.filter(c => c.remotePeer === dialer.peerId.toString() && c.limits == null)
    assert.equal(ours.length, 1, JSON.stringify(connections))
  })

  it('our listener, js dialer: connect over WebRTC through our relay, ping, echo', async () => {
    const listener = await ourNode(parts, { relayAddr })
    stops.push(() => listener.stop())
    const target = listener.getMultiaddrs().map(String).find(a => a.includes('/p2p-circuit/webrtc/'))
    assert.ok(target != null, `no WebRTC address: ${listener.getMultiaddrs().join(', ')}`)
    const inbound = new Promise(resolve => {
      listener.addEventListener('connection:open', (evt) => { if (evt.detail.multiplexer === '/webrtc') resolve(evt.detail) })
    })

    const dialer = await spawnJsPeer({ name: 'js-webrtc-dialer', env: { JS_PEER_WEBRTC: '1' } })
    stops.push(() => dialer.stop())
    const connection = await dialer.send('dial', { target, timeoutMs: WAIT_MS })
    assert.equal(connection.remotePeer, listener.peerId.toString())
    assert.equal(connection.limits, undefined)
    const remote = await inbound
    assert.equal(remote.remotePeer.toString(), dialer.peerId)
    assert.equal(remote.direction, 'inbound')
    // the js dialer then has only the WebRTC connection to use
    await closeRelayed(listener, remote.remotePeer)
    const { rtt } = await dialer.send('ping', { target: listener.peerId.toString(), timeoutMs: WAIT_MS })
    assert.ok(rtt >= 0)
    const echo = await dialer.send('echo', { target: listener.peerId.toString(), bytes: ECHO_BYTES, seed: 'webrtc', timeoutMs: WAIT_MS })
    assert.equal(echo.ok, true, JSON.stringify(echo.failures))
    assert.equal(echo.totalBytes, ECHO_BYTES)
    assert.equal(echo.results[0].received.sha256, payloadSha256('webrtc-0', ECHO_BYTES))
    assert.deepEqual(listener.getConnections(remote.remotePeer), [remote])
  })
})
