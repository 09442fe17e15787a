import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC } from '../src/constants.js'
import { HopMessage } from '../src/pb/circuit.js'
import { hopRequest } from '../src/transport/hop-request.js'
import { Tracked, relayNode, servicesNode } from './fixtures/nodes.js'
import type { RelayNode } from './fixtures/nodes.js'
import type { Connection, Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

/** a bare RESERVE on the relay, from a node that does not listen through it (so never refreshes) */
async function reserve (from: Libp2p, relay: Libp2p): Promise<Connection> {
  const connection = await from.dial(relay.getMultiaddrs()[0])
  const { stream } = await hopRequest(connection, { type: HopMessage.Type.RESERVE }, AbortSignal.timeout(5_000))
  await stream.close()
  return connection
}

describe('circuit relay v2 options (js-libp2p names), over TCP', function () {
  this.timeout(20_000)
  const nodes = new Tracked()
  const track = async <T extends Libp2p<any>>(p: Promise<T>): Promise<T> => nodes.track(p)

  afterEach(async () => { await nodes.stopAll() })

  it('reservations.reservationClearInterval: expired reservations are dropped on that schedule, not at the default one', async () => {
    // long enough that reserving on both relays (two dials and RESERVEs) never outlasts it, even on a loaded machine
    const ttl = 2_000
    const swept: RelayNode = await track(relayNode({ reservations: { reservationTtl: ttl, reservationClearInterval: 100 } }))
    const unswept: RelayNode = await track(relayNode({ reservations: { reservationTtl: ttl } }))
    const client = await track(servicesNode())
    const reservedAt = Date.now()
    const toSwept = await reserve(client, swept)
    const toUnswept = await reserve(client, unswept)
    expect(swept.services.relay.reservationCount).to.equal(1)
    expect(unswept.services.relay.reservationCount).to.equal(1)

    await until(() => swept.services.relay.reservationCount === 0, 'the sweep', { timeout: 10_000, interval: 20 })
    expect(Date.now() - reservedAt).to.be.at.least(ttl - 5)
    // the client is still connected: the sweep dropped it, not a disconnect
    expect(toSwept.status).to.equal('open')
    // the other relay sweeps every 5 minutes (js-libp2p's default): its expired reservation is still counted
    expect(toUnswept.status).to.equal('open')
    expect(unswept.services.relay.reservationCount).to.equal(1)
  })

  it('maxOutboundHopStreams: the hop streams a node that is also a relay opens on one connection', async () => {
    const relay = await track(relayNode())
    const limited = await track(servicesNode({ relay: { maxOutboundHopStreams: 1 } }))
    const unlimited = await track(servicesNode({ relay: {} }))
    const opened: Stream[] = []
    try {
      const toRelay = await limited.dial(relay.getMultiaddrs()[0])
      opened.push(await toRelay.newStream(RELAY_V2_HOP_CODEC))
      await expect(toRelay.newStream(RELAY_V2_HOP_CODEC)).to.eventually.be.rejected.with.property('name', 'LimitExceededError')

      // the default (64) lets a relay that is also a client have several hop requests in flight
      const fromUnlimited = await unlimited.dial(relay.getMultiaddrs()[0])
      opened.push(await fromUnlimited.newStream(RELAY_V2_HOP_CODEC))
      opened.push(await fromUnlimited.newStream(RELAY_V2_HOP_CODEC))
      expect(opened).to.have.lengthOf(3)
    } finally {
      for (const s of opened) { s.abort(new TypeError('test over')) }
    }
  })

  it('transport maxOutboundStopStreams: the stop streams the node opens on one connection', async () => {
    const target = await track(servicesNode({ listen: ['/ip4/127.0.0.1/tcp/0'] }))
    const limited = await track(servicesNode({ transport: { maxOutboundStopStreams: 1 } }))
    const unlimited = await track(servicesNode())
    const opened: Stream[] = []
    try {
      const a = await limited.dial(target.getMultiaddrs()[0])
      opened.push(await a.newStream(RELAY_V2_STOP_CODEC))
      await expect(a.newStream(RELAY_V2_STOP_CODEC)).to.eventually.be.rejected.with.property('name', 'LimitExceededError')

      const b = await unlimited.dial(target.getMultiaddrs()[0])
      opened.push(await b.newStream(RELAY_V2_STOP_CODEC))
      opened.push(await b.newStream(RELAY_V2_STOP_CODEC))
      expect(opened).to.have.lengthOf(3)
    } finally {
      for (const s of opened) { s.abort(new TypeError('test over')) }
    }
  })
})
