// Circuit relay v2 against js-libp2p 3.3.11 + @libp2p/circuit-relay-v2 4.2.13 (interop/js-peer on
// Node 24), over TCP + Noise + Yamux on 127.0.0.1, with the relays' default limits (2 min, 128 KiB
// per direction):
// - a js relay, our listener (holds a reservation on it) and our dialer;
// - a js relay that our listener on /p2p-circuit alone finds through identify (relay discovery);
// - our relay, a js listener and a js dialer.
// Each: the reservation (the listener's relayed address), a circuit (a limited connection, Noise +
// Yamux end to end through the relay), ping and an echo over it.
import assert from 'node:assert/strict'
import { payloadSha256 } from '../js-peer/payload.mjs'
import { ECHO_PROTOCOL } from '../js-peer/protocols.mjs'
import { spawnJsPeer } from './harness.mjs'
import { checkOurNode } from './ours-peer.mjs'

const ECHO_BYTES = 32 * 1024
const WAIT_MS = 20_000

let relayModule
async function loadRelay () {
  const { missing } = await checkOurNode()
  const reason = missing.core ?? missing.identify ?? missing.ping
  if (reason != null) return { reason }
  try {
    relayModule ??= await import('@libp2p/circuit-relay-v2')
    return { m: (await checkOurNode()).modules, relay: relayModule }
  } catch (err) {
    return { reason: `our node not built: @libp2p/circuit-relay-v2 does not load (${err?.code ?? err?.name}: ${String(err?.message).split('\n')[0]})` }
  }
}

/** our node: TCP, Noise, Yamux, identify, ping, plus the relay parts given */
async function ourNode ({ m, relay }, { listen = [], server = false, client = false } = {}) {
  const node = await m.libp2p.createLibp2p({
    addresses: { listen },
    transports: [m['@libp2p/tcp'].tcp(), ...(client ? [relay.circuitRelayTransport()] : [])],
    connectionEncrypters: [m['@chainsafe/libp2p-noise'].noise()],
    streamMuxers: [m['@chainsafe/libp2p-yamux'].yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    // relayed connections all come from the relay's IP
    connectionManager: { inboundConnectionThreshold: 100 },
    services: {
      identify: m['@libp2p/identify'].identify(),
      ping: m['@libp2p/ping'].ping(),
      ...(server ? { relay: relay.circuitRelayServer() } : {})
    }
  })
  // the echo the js peer serves (../js-peer/protocols.mjs), allowed on relayed connections
  await node.handle(ECHO_PROTOCOL, async (stream) => {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    await stream.closeWrite()
  }, { runOnLimitedConnection: true })
  return node
}

/** send ECHO_BYTES on a new echo stream, close the write side, read everything back: the sha256 of each */
async function ourEcho (connection, signal) {
  const { createHash } = await import('node:crypto')
  const stream = await connection.newStream(ECHO_PROTOCOL, { signal, runOnLimitedConnection: true })
  const payload = new Uint8Array(ECHO_BYTES).map((_, i) => (i * 31) & 0xff)
  stream.send(payload)
  await stream.closeWrite({ signal })
  const hash = createHash('sha256')
  let received = 0
  while (true) {
    const chunk = await stream.read({ signal })
    if (chunk == null) break
    received += chunk.byteLength
    for (const piece of chunk) hash.update(piece)
  }
  return { received, sha256: hash.digest('hex'), sent: createHash('sha256').update(payload).digest('hex') }
}

function circuitAddrOf (addrs, relayId, peerId) {
  const ma = addrs.find(a => a.includes(`/p2p/${relayId}/p2p-circuit/p2p/${peerId}`) && a.startsWith('/ip4/127.0.0.1/tcp/'))
  assert.ok(ma != null, `no 127.0.0.1 circuit address through ${relayId}: ${addrs.join(', ')}`)
  return ma
}

describe('circuit relay v2: ours × js-libp2p', function () {
  this.timeout(60_000)
  const stops = []
  let parts

  before(async function () {
    parts = await loadRelay()
    if (parts.reason != null) {
      console.log(`      SKIPPED (every case): ${parts.reason}`)
      this.skip()
    }
  })

  after(async () => {
    await Promise.allSettled(stops.splice(0).map(async stop => stop()))
  })

  it('js relay: our listener holds a reservation, our dialer reaches it; ping and echo over the circuit', async () => {
    const relay = await spawnJsPeer({ name: 'js-relay', env: { JS_PEER_RELAY_SERVER: '1' } })
    stops.push(() => relay.stop())
    const relayAddr = relay.multiaddrs.find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))
    const listener = await ourNode(parts, { listen: [`${relayAddr}/p2p-circuit`], client: true })
    stops.push(() => listener.stop())
    const target = circuitAddrOf(listener.getMultiaddrs().map(String), relay.peerId, listener.peerId.toString())

    const dialer = await ourNode(parts, { client: true })
    stops.push(() => dialer.stop())
    const signal = AbortSignal.timeout(WAIT_MS)
    const connection = await dialer.dial(parts.m['@multiformats/multiaddr'].multiaddr(target), { signal })
    assert.equal(connection.remotePeer.toString(), listener.peerId.toString())
    assert.equal(connection.limits?.bytes, 131072n)
    // the spec's Limit.duration is in seconds; js-libp2p 4.2.13's relay writes its 2 minutes in ms
    // (and times circuits in ms), so it arrives as 120000 "seconds"
    assert.equal(connection.limits?.seconds, 120_000)
    assert.equal(connection.encryption, '/noise')
    const rtt = await dialer.services.ping.ping(connection.remoteAddr, { signal })
    assert.ok(rtt >= 0)
    const echoed = await ourEcho(connection, signal)
    assert.equal(echoed.received, ECHO_BYTES)
    assert.equal(echoed.sha256, echoed.sent)
    // the js relay sees both of our nodes
    const connections = await relay.send('connections', {})
    const peers = new Set(connections.map(c => c.remotePeer))
    assert.ok(peers.has(listener.peerId.toString()) && peers.has(dialer.peerId.toString()), `js relay connections: ${[...peers]}`)
  })

  it('js relay found by discovery: our listener on /p2p-circuit alone reserves on it once identify shows hop; N pings by the relayed address make one circuit', async () => {
    const relay = await spawnJsPeer({ name: 'js-relay-found', env: { JS_PEER_RELAY_SERVER: '1' } })
    stops.push(() => relay.stop())
    const relayAddr = relay.multiaddrs.find(a => a.startsWith('/ip4/127.0.0.1/tcp/'))
    const listener = await ourNode(parts, { listen: ['/p2p-circuit'], client: true })
    stops.push(() => listener.stop())
    const { multiaddr } = parts.m['@multiformats/multiaddr']
    const through = () => listener.getMultiaddrs().some(a => a.toString().includes(`/p2p/${relay.peerId}/p2p-circuit/`))
    assert.equal(through(), false)
    let onUpdate
    const advertised = new Promise((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no circuit address through the js relay within ${WAIT_MS} ms`)) }, WAIT_MS)
      onUpdate = () => { if (through()) { clearTimeout(timer); resolve() } }
      listener.addEventListener('self:peer:update', onUpdate)
    })
    try {
      await listener.dial(multiaddr(relayAddr), { signal: AbortSignal.timeout(WAIT_MS) })
      await advertised
    } finally {
      listener.removeEventListener('self:peer:update', onUpdate)
    }
    const target = multiaddr(circuitAddrOf(listener.getMultiaddrs().map(String), relay.peerId, listener.peerId.toString()))

    const dialer = await ourNode(parts, { client: true })
    stops.push(() => dialer.stop())
    const circuits = []
    dialer.addEventListener('connection:open', (evt) => { if (evt.detail.limits != null) circuits.push(evt.detail) })
    for (let i = 0; i < 5; i++) {
      assert.ok(await dialer.services.ping.ping(target, { signal: AbortSignal.timeout(WAIT_MS) }) >= 0)
    }
    assert.equal(circuits.length, 1)
    assert.equal(dialer.getConnections(listener.peerId).length, 1)
  })

  it('our relay: a js listener holds a reservation, a js dialer reaches it; ping and echo over the circuit', async () => {
    const relay = await ourNode(parts, { listen: ['/ip4/127.0.0.1/tcp/0'], server: true })
    stops.push(() => relay.stop())
    const relayAddr = relay.getMultiaddrs()[0].toString()
    const listener = await spawnJsPeer({ name: 'js-listener', listen: [`${relayAddr}/p2p-circuit`] })
    stops.push(() => listener.stop())
    const { multiaddrs } = await listener.send('waitAddr', { contains: '/p2p-circuit', timeoutMs: WAIT_MS })
    const target = circuitAddrOf(multiaddrs, relay.peerId.toString(), listener.peerId)
    assert.equal(relay.services.relay.reservationCount, 1)

    const dialer = await spawnJsPeer({ name: 'js-dialer', env: { JS_PEER_RELAY_CLIENT: '1' } })
    stops.push(() => dialer.stop())
    const connection = await dialer.send('dial', { target, timeoutMs: WAIT_MS })
    assert.equal(connection.remotePeer, listener.peerId)
    // js-libp2p reports the bytes left of the limit (the upgrade used some)
    assert.equal(connection.limits?.seconds, 120)
    assert.ok(Number(connection.limits?.bytes) > 100_000 && Number(connection.limits?.bytes) <= 131072, `limits ${JSON.stringify(connection.limits)}`)
    assert.equal(relay.services.relay.circuitCount, 1)
    const { rtt } = await dialer.send('ping', { target, timeoutMs: WAIT_MS })
    assert.ok(rtt >= 0)
    const echo = await dialer.send('echo', { target, bytes: ECHO_BYTES, seed: 'relay', timeoutMs: WAIT_MS })
    assert.equal(echo.ok, true, JSON.stringify(echo.failures))
    assert.equal(echo.totalBytes, ECHO_BYTES)
    assert.equal(echo.results[0].received.sha256, payloadSha256('relay-0', ECHO_BYTES))
  })
})
