import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { clientNode, nextEvent, relayNode } from './fixtures/nodes.js'
import type { RelayReservation } from '../src/index.js'
import type { Libp2p } from 'libp2p'

describe('relay server reservations view and relay:reservation event over TCP', function () {
  this.timeout(20_000)
  const nodes: Libp2p[] = []

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  it('shows the reservation with its expiry, address and limit, emits relay:reservation, and drops it on disconnect', async () => {
    const relay = await relayNode()
    nodes.push(relay)
    const event = nextEvent<RelayReservation>(relay.services.relay, 'relay:reservation')
    const before = Date.now()
    const client = await clientNode(relay)
    nodes.push(client)
    const detail = await event

    const view = relay.services.relay.reservations
    expect(view.size).to.equal(1)
    expect(view.has(client.peerId)).to.equal(true)
    const r = view.get(client.peerId)
    expect(r).to.not.equal(undefined)
    // the default ttl is 2 hours
    expect(r?.expiry.getTime()).to.be.within(before + 7_200_000 - 1_000, Date.now() + 7_200_000)
    const conn = relay.getConnections(client.peerId)[0]
    expect(r?.addr.toString()).to.equal(conn.remoteAddr.toString())
    expect(r?.limit).to.deep.equal({ duration: 120, data: 131072n })
    expect(detail.expiry.getTime()).to.equal(r?.expiry.getTime())
    expect(detail.addr.toString()).to.equal(r?.addr.toString())

    expect([...view.keys()].map(String)).to.deep.equal([client.peerId.toString()])
    expect([...view].map(([k]) => k.toString())).to.deep.equal([client.peerId.toString()])
    expect([...view.values()]).to.have.lengthOf(1)
    const seen: string[] = []
    view.forEach((_, k) => seen.push(k.toString()))
    expect(seen).to.deep.equal([client.peerId.toString()])

    await client.stop()
    await until(() => !view.has(client.peerId), 'the reservation to go when the client disconnects')
    expect(view.size).to.equal(0)
    expect(view.get(client.peerId)).to.equal(undefined)
  })
})
