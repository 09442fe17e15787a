import { expect } from 'aegir/chai'
import { RELAY_V2_HOP_CODEC } from '../src/constants.js'
import { Tracked, nextEvent, servicesNode } from './fixtures/nodes.js'
import type { ServicesNode, ServicesNodeInit } from './fixtures/nodes.js'
import type { CircuitRelayServer } from '../src/index.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

type Relay = ServicesNode & { services: { relay: CircuitRelayServer } }

/** the node's advertised circuit addresses */
function circuits (node: ServicesNode): Multiaddr[] {
  return node.getMultiaddrs().filter(a => a.toString().includes('/p2p-circuit/'))
}

/** the relay ids in the node's advertised circuit addresses */
function relaysOf (node: ServicesNode): string[] {
  return [...new Set(circuits(node).map(a => a.toString().split('/p2p/')[1].split('/')[0]))].sort()
}

/** resolves once the node advertises circuit addresses through exactly `relays` */
async function advertising (node: ServicesNode, relays: PeerId[]): Promise<void> {
  const want = relays.map(String).sort()
  const matches = (): boolean => JSON.stringify(relaysOf(node)) === JSON.stringify(want)
  if (matches()) { return }
  await nextEvent(node, 'self:peer:update', matches)
}

describe('relay discovery: listening on /p2p-circuit alone, over TCP', function () {
  this.timeout(30_000)
  const nodes = new Tracked()
  const track = async <T extends ServicesNode>(p: Promise<T>): Promise<T> => nodes.track(p)

  const relayNode = async (): Promise<Relay> => track(servicesNode({ listen: ['/ip4/127.0.0.1/tcp/0'], relay: {} }) as Promise<Relay>)
  const seeker = async (count = 1, init: ServicesNodeInit = {}): Promise<ServicesNode> =>
    track(servicesNode({ listen: Array.from({ length: count }, () => '/p2p-circuit'), ...init }))

  afterEach(async () => { await nodes.stopAll() })

  it('reserves on a relay it identifies, advertises the relayed address, and a dialer reaches it through it', async () => {
    const relay = await relayNode()
    const node = await seeker()
    expect(circuits(node)).to.deep.equal([])
    const advertised = advertising(node, [relay.peerId])
    await node.dial(relay.getMultiaddrs()[0])
    await advertised
    expect(relay.services.relay.reservationCount).to.equal(1)

    const dialer = await track(servicesNode())
    expect(await dialer.services.ping.ping(circuits(node)[0])).to.be.a('number')
  })

  it('finds relays in the peer store when it starts', async () => {
    const relay = await relayNode()
    const node = await seeker(1, { start: false })
    await node.peerStore.merge(relay.peerId, { multiaddrs: relay.getMultiaddrs(), protocols: [RELAY_V2_HOP_CODEC] })
    const advertised = advertising(node, [relay.peerId])
    await node.start()
    await advertised
    expect(relay.services.relay.reservationCount).to.equal(1)
  })

  it('reserves on one relay per /p2p-circuit address, no more, whatever it knows', async () => {
    const relays = await Promise.all([relayNode(), relayNode(), relayNode()])
    const node = await seeker(2)
    const listening: PeerId[] = []
    const two = new Promise<void>(resolve => {
      node.addEventListener('self:peer:update', () => {
        if (relaysOf(node).length === 2) { resolve() }
      })
    })
    for (const r of relays) { await node.dial(r.getMultiaddrs()[0]) }
    await two
    listening.push(...relays.filter(r => r.services.relay.reservationCount === 1).map(r => r.peerId))
    expect(listening).to.have.lengthOf(2)
    expect(relaysOf(node)).to.deep.equal(listening.map(String).sort())
    expect(relays.reduce((n, r) => n + r.services.relay.reservationCount, 0)).to.equal(2)
  })

  it('replaces a relay that goes away with another one it knows, and withdraws the old address', async () => {
    const [a, b] = await Promise.all([relayNode(), relayNode()])
    const node = await seeker()
    const first = nextEvent(node, 'self:peer:update', () => relaysOf(node).length === 1)
    await node.dial(a.getMultiaddrs()[0])
    await first
    await node.dial(b.getMultiaddrs()[0])
    // b is identified as a relay too; the node keeps one reservation
    const [held, spare] = relaysOf(node)[0] === a.peerId.toString() ? [a, b] : [b, a]
    const replaced = advertising(node, [spare.peerId])
    await held.stop()
    await replaced
    expect(spare.services.relay.reservationCount).to.equal(1)
    const dialer = await track(servicesNode())
    expect(await dialer.services.ping.ping(circuits(node)[0])).to.be.a('number')
  })

  it('a relay that refuses is dropped and the next one is tried', async () => {
    const full = await track(servicesNode({ listen: ['/ip4/127.0.0.1/tcp/0'], relay: { reservations: { maxReservations: 0 } } }) as Promise<Relay>)
    const good = await relayNode()
    const node = await seeker()
    const advertised = advertising(node, [good.peerId])
    // the waiting listener is given the refusing relay as soon as identify reports it: it is tried first
    const identified = nextEvent<{ peerId: PeerId }>(node, 'peer:identify', (r) => r.peerId.equals(full.peerId))
    await node.dial(full.getMultiaddrs()[0])
    await identified
    await node.dial(good.getMultiaddrs()[0])
    await advertised
    expect(full.services.relay.reservationCount).to.equal(0)
    expect(good.services.relay.reservationCount).to.equal(1)
  })
})
