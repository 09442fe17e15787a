import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { Registry } from 'prom-client'
import { circuitRelayServer } from '../src/index.js'
import { Tracked, circuitAddr, clientNode, echo, roundTrip } from './fixtures/nodes.js'
import type { RelayNode } from './fixtures/nodes.js'

const ECHO = '/test/echo/1.0.0'

/** the value of one series of a metric in the registry (0 when it has none yet) */
async function valueOf (registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name)
  if (metric == null) { throw new TypeError(`no metric ${name}`) }
  const { values } = await metric.get()
  const found = values.find(v => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
  return found?.value ?? 0
}

describe('relay server metrics', function () {
  this.timeout(20_000)
  const nodes = new Tracked()
  afterEach(async () => { await nodes.stopAll() })

  it('records reservations held and requested, circuits, CONNECT results and bytes relayed', async () => {
    const registry = new Registry()
    const relay: RelayNode = await nodes.track(createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { inboundConnectionThreshold: 1000 },
      services: { relay: circuitRelayServer() },
      metrics: prometheusMetrics({ registry, collectDefaultMetrics: false })
    }))
    expect(await valueOf(registry, 'libp2p_circuit_relay_server_reservations_total')).to.equal(0)

    const listener = await nodes.track(clientNode(relay))
    await listener.handle(ECHO, async (stream) => { await echo(stream) }, { runOnLimitedConnection: true })
    await until(async () => await valueOf(registry, 'libp2p_circuit_relay_server_reservation_requests_total', { result: 'ok' }) === 1, 'the reservation is counted')
    expect(await valueOf(registry, 'libp2p_circuit_relay_server_reservations_total')).to.equal(1)

    const dialer = await nodes.track(clientNode())
    const connection = await dialer.dial(circuitAddr(listener))
    const data = new Uint8Array(1000).fill(3)
    expect(await roundTrip(await connection.newStream(ECHO, { runOnLimitedConnection: true }), data)).to.deep.equal(data)
    expect(await valueOf(registry, 'libp2p_circuit_relay_server_circuits')).to.equal(1)
    expect(await valueOf(registry, 'libp2p_circuit_relay_server_connect_requests_total', { result: 'OK' })).to.equal(1)
    // both directions of the echo, plus the relayed connection's own handshakes
    expect(await valueOf(registry, 'libp2p_circuit_relay_server_relayed_bytes_total')).to.be.at.least(2 * data.byteLength)

    // a CONNECT to a peer without a reservation is refused and counted by its status
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    await expect(dialer.dial(multiaddr(`${relay.getMultiaddrs()[0].toString()}/p2p-circuit/p2p/${stranger.toString()}`))).to.eventually.be.rejected()
    expect(await valueOf(registry, 'libp2p_circuit_relay_server_connect_requests_total', { result: 'NO_RESERVATION' })).to.equal(1)

    await connection.close()
    await until(async () => await valueOf(registry, 'libp2p_circuit_relay_server_circuits') === 0, 'the circuit is closed')
  })
})
