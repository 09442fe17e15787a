/**
 * Connections that are closing (pruned, or closed by either side, and waiting up to the muxer's
 * close timeout for the remote) do not count against maxConnections, for inbound admission and
 * for pruning; together with the open ones they are capped at twice maxConnections.
 */
import { yamux } from '@chainsafe/libp2p-yamux'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { WAIT_MS, noiseInitiator, tcpAddress, watchListenerErrors, within } from './adversary.js'
import { closed, TestNodes } from './connection-manager-fixtures.js'
import type { NoiseSession } from './adversary.js'
import type { Libp2p } from '../src/libp2p.js'
import type { Connection } from '@libp2p/interface'

/** long enough that a connection we close stays 'closing' for the whole test unless its socket goes */
const CLOSE_TIMEOUT_MS = 60_000

describe('connection manager: connections still closing', function () {
  this.timeout(30_000)

  const made = new TestNodes()
  let stubborn: NoiseSession[] = []

  afterEach(async () => {
    for (const s of stubborn) { s.raw.socket.destroy() }
    stubborn = []
    await made.cleanUp()
  })

  async function node (init: Parameters<typeof made.node>[0] = {}): Promise<Libp2p> {
    return made.node(init)
  }

  /**
   * An inbound peer that completes Noise + Yamux and then never answers: when the target closes
   * the connection it stays 'closing' until the socket goes (or CLOSE_TIMEOUT_MS)
   */
  async function stubbornPeer (target: Libp2p): Promise<{ session: NoiseSession, connection: Connection }> {
    const session = await noiseInitiator(tcpAddress(target.getMultiaddrs()[0]), target.peerId)
    stubborn.push(session)
    await until(() => target.getConnections(session.localPeer).length === 1, 'the stubborn peer is connected', { timeout: WAIT_MS })
    return { session, connection: target.getConnections(session.localPeer)[0] }
  }

  /** close from the target's side; the connection is 'closing' from then on */
  function startClosing (connection: Connection): Promise<void> {
    const done = closed(connection)
    void connection.close()
    expect(connection.status).to.equal('closing')
    return done
  }

  it('a full node whose connection is closing admits a newcomer in its place, and prunes nothing for it', async () => {
    const target = await node({ connectionManager: { maxConnections: 2 }, streamMuxers: [yamux({ closeTimeout: CLOSE_TIMEOUT_MS })] })
    const leaving = await stubbornPeer(target)
    const first = await node()
    await first.dial(target.getMultiaddrs()[0])
    await until(() => target.getConnections().length === 2, 'the node is full', { timeout: WAIT_MS })
    const stillClosing = startClosing(leaving.connection)

    const errors = watchListenerErrors(target)
    const newcomer = await node()
    const conn = await within(newcomer.dial(target.getMultiaddrs()[0]), 'the newcomer connects')
    expect(conn.status).to.equal('open')
    await until(() => target.getConnections(newcomer.peerId).length === 1, 'the node holds the newcomer', { timeout: WAIT_MS })
    expect(leaving.connection.status).to.equal('closing')
    expect(target.getConnections(first.peerId)[0].status).to.equal('open')

    // now two open connections: full, so the next one is refused
    const refused = errors.next()
    const late = await node()
    const err = await within(late.dial(target.getMultiaddrs()[0]).catch(e => e), 'the late dial ends')
    expect(err).to.be.an('error')
    expect((await within(refused, 'the late peer is refused')).name).to.equal('ConnectionDeniedError')
    expect(errors.errors).to.have.length(1)
    expect(target.getConnections(first.peerId)[0].status).to.equal('open')
    expect(target.getConnections(newcomer.peerId)[0].status).to.equal('open')

    leaving.session.raw.socket.destroy()
    await within(stillClosing, 'the closing connection ends once its socket goes')
  })

  it('open and closing connections together are capped at twice maxConnections', async () => {
    const target = await node({ connectionManager: { maxConnections: 1 }, streamMuxers: [yamux({ closeTimeout: CLOSE_TIMEOUT_MS })] })
    const one = await stubbornPeer(target)
    const oneClosed = startClosing(one.connection)
    // one closing, none open: room for another
    const two = await stubbornPeer(target)
    const twoClosed = startClosing(two.connection)
    // two closing = twice maxConnections: refused although nothing is open
    const errors = watchListenerErrors(target)
    const refused = errors.next()
    const newcomer = await node()
    await within(newcomer.dial(target.getMultiaddrs()[0]).catch(e => e), 'the refused dial ends')
    expect((await within(refused, 'the newcomer is refused')).name).to.equal('ConnectionDeniedError')
    expect(target.getConnections().filter(c => c.status === 'open')).to.have.length(0)

    // one of them finishes closing: room again
    one.session.raw.socket.destroy()
    await within(oneClosed, 'the first closing connection ends')
    const conn = await within(newcomer.dial(target.getMultiaddrs()[0]), 'the newcomer connects')
    expect(conn.status).to.equal('open')
    await until(() => target.getConnections(newcomer.peerId).length === 1, 'the node holds the newcomer', { timeout: WAIT_MS })
    expect(two.connection.status).to.equal('closing')
    two.session.raw.socket.destroy()
    await within(twoClosed, 'the second closing connection ends')
  })

  it('a connection that closes while a pruning pass scores the others is not replaced by a second victim', async () => {
    const target = await node({ connectionManager: { maxConnections: 2 } })
    const [a, b, c, d] = await Promise.all([node(), node(), node(), node()])
    // a is worth the most, d the least
    for (const [peer, value] of [[a, 90], [b, 50], [c, 60], [d, 10]] as const) {
      await target.peerStore.merge(peer.peerId, { tags: { friend: { value } } })
    }
    await target.dial(a.getMultiaddrs()[0])
    await target.dial(b.getMultiaddrs()[0])
    const toA = target.getConnections(a.peerId)[0]

    // the pass started by c's connection reads each peer's tags; while it does, a goes away
    const peerStore = target.peerStore
    const get = peerStore.get.bind(peerStore)
    let armed = true
    peerStore.get = async (peerId, options) => {
      // only the pruning pass asks once c's connection is in: nothing else reads the store then
      if (armed && target.getConnections(c.peerId).length > 0) {
        armed = false
        toA.abort(new Error('the remote went away'))
      }
      return get(peerId, options)
    }
    try {
      await target.dial(c.getMultiaddrs()[0])
      await until(() => !armed, 'the pruning pass scored the connections', { timeout: WAIT_MS })
      // b and c are open, at the limit: the next pass, started by d, is the one that prunes; it
      // closes d (the lowest), which shows the first pass closed nothing (b would be gone, and
      // d kept, had it closed one in a's place)
      const toD = await target.dial(d.getMultiaddrs()[0])
      await within(closed(toD), 'd is pruned')
    } finally {
      peerStore.get = get
    }
    expect(toA.status).to.equal('closed')
    expect(target.getPeers().map(String).sort()).to.deep.equal([b.peerId, c.peerId].map(String).sort())
  })
})
