import { expect } from 'aegir/chai'
import { Tracked, circuitAddr, echo, roundTrip, servicesNode } from './fixtures/nodes.js'
import type { ServicesNode } from './fixtures/nodes.js'
import type { Connection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const ECHO = '/test/echo/1.0.0'
const UNLIMITED_ONLY = '/test/unlimited-only/1.0.0'

describe('reusing limited (relayed) connections, over TCP through a relay', function () {
  this.timeout(30_000)
  const nodes = new Tracked()
  const track = async <T extends ServicesNode>(p: Promise<T>): Promise<T> => nodes.track(p)

  afterEach(async () => { await nodes.stopAll() })

  /** a relay, a listener reachable through it (and directly on TCP when `direct`), and a dialer counting the connections it opens */
  async function setup (direct = false): Promise<{ listener: ServicesNode, dialer: ServicesNode, addr: Multiaddr, opened: Connection[] }> {
    const relay = await track(servicesNode({ listen: ['/ip4/127.0.0.1/tcp/0'], relay: {} }))
    const listener = await track(servicesNode({
      listen: [`${relay.getMultiaddrs()[0].toString()}/p2p-circuit`, ...(direct ? ['/ip4/127.0.0.1/tcp/0'] : [])]
    }))
    await listener.handle(ECHO, async (stream) => { await echo(stream) }, { runOnLimitedConnection: true })
    await listener.handle(UNLIMITED_ONLY, async (stream) => { await echo(stream) })
    const { dialer, opened } = await dialerNode()
    return { listener, dialer, addr: circuitAddr(listener), opened }
  }

  async function dialerNode (): Promise<{ dialer: ServicesNode, opened: Connection[] }> {
    const dialer = await track(servicesNode())
    const opened: Connection[] = []
    dialer.addEventListener('connection:open', (evt) => { opened.push(evt.detail) })
    return { dialer, opened }
  }

  const circuits = (opened: Connection[]): Connection[] => opened.filter(c => c.limits != null)

  it('N pings by the relayed address make one circuit, sequential or concurrent', async () => {
    const { listener, dialer, addr, opened } = await setup()
    for (let i = 0; i < 5; i++) {
      expect(await dialer.services.ping.ping(addr)).to.be.a('number')
    }
    expect(circuits(opened)).to.have.lengthOf(1)
    expect(dialer.getConnections(listener.peerId)).to.have.lengthOf(1)

    // concurrent dials share one attempt (ping allows one ping stream at a time per connection)
    const second = await dialerNode()
    const connections = await Promise.all(Array.from({ length: 4 }, async () => second.dialer.dial(addr)))
    expect(new Set(connections.map(c => c.id)).size).to.equal(1)
    await second.dialer.services.ping.ping(addr)
    await second.dialer.services.ping.ping(listener.peerId)
    expect(circuits(second.opened)).to.have.lengthOf(1)
  })

  it('dial() returns the open circuit again, dialProtocol() with runOnLimitedConnection runs on it, newStream on it still needs the opt-in', async () => {
    const { listener, dialer, addr, opened } = await setup()
    const first = await dialer.dial(addr)
    expect(first.limits).to.not.equal(undefined)
    expect((await dialer.dial(addr)).id).to.equal(first.id)
    expect((await dialer.dial(listener.peerId)).id).to.equal(first.id)
    expect((await dialer.dial(addr, { runOnLimitedConnection: true })).id).to.equal(first.id)
    const stream = await dialer.dialProtocol(addr, ECHO, { runOnLimitedConnection: true })
    expect(await roundTrip(stream, Uint8Array.from([1, 2, 3]))).to.deep.equal(Uint8Array.from([1, 2, 3]))
    await expect(first.newStream(UNLIMITED_ONLY)).to.eventually.be.rejected.with.property('name', 'LimitedConnectionError')
    expect(circuits(opened)).to.have.lengthOf(1)
  })

  it('dialProtocol() of a protocol whose own handler here runs on limited connections reuses the circuit without the option', async () => {
    const { dialer, addr, opened } = await setup()
    await dialer.handle(ECHO, async (stream) => { await echo(stream) }, { runOnLimitedConnection: true })
    for (let i = 0; i < 3; i++) {
      const stream = await dialer.dialProtocol(addr, ECHO)
      expect(await roundTrip(stream, Uint8Array.from([i]))).to.deep.equal(Uint8Array.from([i]))
    }
    expect(circuits(opened)).to.have.lengthOf(1)
  })

  it('a caller that needs an unlimited connection to a peer with only relayed addresses gets LimitedConnectionError, and no circuit', async () => {
    const { listener, dialer, addr, opened } = await setup()
    // no connection yet: nothing is dialled
    await expect(dialer.dialProtocol(addr, UNLIMITED_ONLY)).to.eventually.be.rejected.with.property('name', 'LimitedConnectionError')
    await expect(dialer.dial(addr, { runOnLimitedConnection: false })).to.eventually.be.rejected.with.property('name', 'LimitedConnectionError')
    expect(circuits(opened)).to.have.lengthOf(0)
    // with the circuit open: the same, and it stays the only one
    await dialer.dial(addr)
    await expect(dialer.dialProtocol(addr, UNLIMITED_ONLY)).to.eventually.be.rejected.with.property('name', 'LimitedConnectionError')
    await expect(dialer.dialProtocol(listener.peerId, UNLIMITED_ONLY)).to.eventually.be.rejected.with.property('name', 'LimitedConnectionError')
    expect(circuits(opened)).to.have.lengthOf(1)
  })

  it('a caller that needs an unlimited connection gets a direct dial when an address allows one; after it the direct connection is preferred', async () => {
    const { listener, dialer, addr, opened } = await setup(true)
    const direct = listener.getMultiaddrs().find(a => !a.toString().includes('/p2p-circuit'))
    if (direct == null) { throw new TypeError('the listener has no direct address') }
    const relayed = await dialer.dial(addr)
    expect(relayed.limits).to.not.equal(undefined)
    const stream = await dialer.dialProtocol([addr, direct], UNLIMITED_ONLY)
    expect(await roundTrip(stream, Uint8Array.from([5]))).to.deep.equal(Uint8Array.from([5]))
    const unlimited = dialer.getConnections(listener.peerId).filter(c => c.limits == null)
    expect(unlimited).to.have.lengthOf(1)
    // every kind of caller now gets the direct connection
    expect((await dialer.dial(addr)).id).to.equal(unlimited[0].id)
    expect((await dialer.dial(listener.peerId, { runOnLimitedConnection: true })).id).to.equal(unlimited[0].id)
    await dialer.services.ping.ping(addr)
    expect(circuits(opened)).to.have.lengthOf(1)
    expect(opened.filter(c => c.remotePeer.equals(listener.peerId))).to.have.lengthOf(2)
  })
})
