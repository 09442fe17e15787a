import { expect } from 'aegir/chai'
import { Tracked, circuitAddr, servicesNode } from './fixtures/nodes.js'
import type { ServicesNode } from './fixtures/nodes.js'

const DIAL_TIMEOUT_MS = 3_000

describe('circuit dials and the parallel-dial slots, over TCP through a relay', function () {
  // a regression fails each dial at the dial timeout (twice: two rounds of circuit dials) rather than hanging
  this.timeout(4 * DIAL_TIMEOUT_MS + 10_000)
  const nodes = new Tracked()
  const track = async <T extends ServicesNode>(p: Promise<T>): Promise<T> => nodes.track(p)

  afterEach(async () => { await nodes.stopAll() })

  it('more circuit dials at once than maxParallelDials all connect: none holds the slot its relay leg needs', async () => {
    // every listener reserves from 127.0.0.1
    const relay = await track(servicesNode({ listen: ['/ip4/127.0.0.1/tcp/0'], relay: { reservations: { maxReservationsPerIp: 8 } } }))
    const relayAddr = `${relay.getMultiaddrs()[0].toString()}/p2p-circuit`
    const listeners = await Promise.all(Array.from({ length: 4 }, async () => track(servicesNode({ listen: [relayAddr] }))))
    const dialer = await track(servicesNode({ connectionManager: { maxParallelDials: 2, addressDialTimeout: DIAL_TIMEOUT_MS } }))
    // the dialer is not connected to the relay: every circuit dial needs the relay leg
    expect(dialer.getConnections(relay.peerId)).to.have.lengthOf(0)

    const started = Date.now()
    const results = await Promise.allSettled(listeners.map(async l => dialer.dial(circuitAddr(l))))
    const failures = results.flatMap(r => r.status === 'rejected' ? [String(r.reason?.message ?? r.reason)] : [])
    expect(failures).to.deep.equal([])
    // one shared relay leg, well within the dial timeout
    expect(Date.now() - started).to.be.below(DIAL_TIMEOUT_MS)
    expect(dialer.getConnections(relay.peerId)).to.have.lengthOf(1)
    for (const l of listeners) {
      const [connection] = dialer.getConnections(l.peerId)
      expect(connection?.limits).to.not.equal(undefined)
    }
  })
})
