/**
 * The connection manager's limits over TCP + Noise + Yamux: pruning, per-peer and per-IP limits,
 * allow/deny lists, dial queue bounds and timeouts, aborting, shared dials and reconnecting.
 */
import { yamux } from '@chainsafe/libp2p-yamux'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { WAIT_MS, noiseInitiator, openSockets, rawConnect, rawServer, tcpAddress, watchListenerErrors, within } from './adversary.js'
import { closed, randomPeer, TestNodes } from './connection-manager-fixtures.js'
import type { RawServer, RawSocket } from './adversary.js'
import type { Libp2p } from '../src/libp2p.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

describe('connection manager over TCP', function () {
  this.timeout(30_000)

  const made = new TestNodes()
  let sockets: RawSocket[] = []

  afterEach(async () => {
    for (const s of sockets) { s.socket.destroy() }
    sockets = []
    await made.cleanUp()
  })

  async function node (init: Parameters<typeof made.node>[0] = {}): Promise<Libp2p> {
    return made.node(init)
  }

  /** a listening socket that accepts and never says a word (no multistream-select, no Noise) */
  async function blackHole (): Promise<RawServer & { accepted: Promise<void>, addr(peer: PeerId): Multiaddr }> {
    let onAccept: () => void = () => {}
    const accepted = new Promise<void>(resolve => { onAccept = resolve })
    const server = made.server(await rawServer(() => { onAccept() }))
    return { ...server, accepted, addr: (peer) => multiaddr(`/ip4/127.0.0.1/tcp/${server.port}/p2p/${peer.toString()}`) }
  }

  async function raw (target: Libp2p, from: string): Promise<RawSocket> {
    const s = await rawConnect(tcpAddress(target.getMultiaddrs()[0]), from)
    sockets.push(s)
    return s
  }

  // ---- pruning and per-peer / per-IP limits ---------------------------------------------------

  it('maxConnections prunes the lowest tag value first and never a keep-alive peer', async () => {
    const target = await node({ connectionManager: { maxConnections: 2 } })
    const [keep, rich, poor, richer] = await Promise.all([node(), node(), node(), node()])
    // tag values are 0-100 each and add up: the keep-alive peer (100) is worth less than rich (200),
    // so only its protection keeps it
    await target.peerStore.merge(keep.peerId, { tags: { 'keep-alive': { value: 100 } } })
    await target.peerStore.merge(rich.peerId, { tags: { friend: { value: 100 }, colleague: { value: 100 } } })
    await target.peerStore.merge(poor.peerId, { tags: { friend: { value: 50 } } })
    await target.peerStore.merge(richer.peerId, { tags: { friend: { value: 100 }, colleague: { value: 100 }, family: { value: 100 } } })

    await target.dial(keep.getMultiaddrs()[0])
    await target.dial(rich.getMultiaddrs()[0])
    expect(target.getConnections()).to.have.length(2)

    // over the limit by one: the lowest-valued connection (poor, 50) goes
    const toPoor = await target.dial(poor.getMultiaddrs()[0])
    await within(closed(toPoor), 'the poor connection is pruned')
    await until(() => target.getConnections().length === 2, 'back at maxConnections', { timeout: WAIT_MS })
    expect(target.getPeers().map(String).sort()).to.deep.equal([keep.peerId, rich.peerId].map(String).sort())

    // a richer peer (300) arrives: rich (200) goes, although keep-alive (100) is worth less
    const toRich = target.getConnections(rich.peerId)[0]
    await target.dial(richer.getMultiaddrs()[0])
    await within(closed(toRich), 'the rich connection is pruned')
    await until(() => target.getConnections().length === 2, 'back at maxConnections', { timeout: WAIT_MS })
    expect(target.getPeers().map(String).sort()).to.deep.equal([keep.peerId, richer.peerId].map(String).sort())
  })

  it('pruning counts only open connections, not one that is still closing', async () => {
    const closeTimeout = 1_000
    const target = await node({ connectionManager: { maxConnections: 3 }, streamMuxers: [yamux({ closeTimeout })] })
    const [a, b, c, d] = await Promise.all([node(), node(), node(), node()])
    // an inbound peer that never answers our close: its connection stays 'closing' for closeTimeout
    const stubborn = await noiseInitiator(tcpAddress(target.getMultiaddrs()[0]), target.peerId)
    await until(() => target.getConnections(stubborn.localPeer).length === 1, 'the stubborn peer is connected', { timeout: WAIT_MS })
    const toStubborn = target.getConnections(stubborn.localPeer)[0]
    await target.peerStore.merge(stubborn.localPeer, { tags: { friend: { value: 100 } } })
    for (const [peer, value] of [[a, 10], [b, 20], [c, 30], [d, 40]] as const) {
      await target.peerStore.merge(peer.peerId, { tags: { friend: { value } } })
    }
    await target.dial(a.getMultiaddrs()[0])
    await target.dial(b.getMultiaddrs()[0])
    const stubbornClosed = closed(toStubborn)
    void toStubborn.close()
    expect(toStubborn.status).to.equal('closing')
    // open: a, b, c (3): nothing to prune; then d: only a (lowest) goes
    await target.dial(c.getMultiaddrs()[0])
    const toA = target.getConnections(a.peerId)[0]
    await target.dial(d.getMultiaddrs()[0])
    await within(closed(toA), 'a is pruned')
    await within(stubbornClosed, 'the stubborn connection gives up closing', closeTimeout + 5_000)
    expect(target.getPeers().map(String).sort()).to.deep.equal([b.peerId, c.peerId, d.peerId].map(String).sort())
    stubborn.raw.socket.destroy()
  })

  it('at maxConnections an inbound connection is refused unless its IP is allow-listed', async () => {
    const target = await node({ connectionManager: { maxConnections: 1, allow: ['127.0.0.1'] } })
    const first = await node()
    await first.dial(target.getMultiaddrs()[0])
    await until(() => target.getConnections().length === 1, 'the node holds one connection', { timeout: WAIT_MS })
    const errors = watchListenerErrors(target)
    const refused = errors.next()
    const outsider = await raw(target, '127.0.0.7')
    expect((await within(refused, 'the outsider is refused')).name).to.equal('ConnectionDeniedError')
    await within(outsider.closed, 'the node hangs up on the outsider')
    // 127.0.0.1 is allow-listed: accepted although the node is full
    const second = await node()
    const conn = await second.dial(target.getMultiaddrs()[0])
    expect(conn.status).to.equal('open')
  })

  it('maxConnectionsPerPeer closes the extra connections to one peer', async () => {
    const target = await node({ connectionManager: { maxConnectionsPerPeer: 2 } })
    const dialer = await node()
    const first = await dialer.dial(target.getMultiaddrs()[0])
    const second = await dialer.dial(target.getMultiaddrs()[0], { force: true })
    expect(second).to.not.equal(first)
    await until(() => target.getConnections(dialer.peerId).length === 2, 'the node holds two connections to the dialer', { timeout: WAIT_MS })
    const third = await dialer.dial(target.getMultiaddrs()[0], { force: true })
    await within(closed(third), 'the third connection is closed')
    await until(() => target.getConnections(dialer.peerId).length === 2, 'the node is back at two', { timeout: WAIT_MS })
    expect(first.status).to.equal('open')
    expect(second.status).to.equal('open')
  })

  it('inboundConnectionThreshold refuses an IP that connects too often; other IPs still get in', async () => {
    const target = await node({ connectionManager: { inboundConnectionThreshold: 2 } })
    const errors = watchListenerErrors(target)
    await raw(target, '127.0.0.3')
    await raw(target, '127.0.0.3')
    await until(() => openSockets(target) === 2, 'two sockets from 127.0.0.3 accepted', { timeout: WAIT_MS })
    const refused = errors.next()
    const third = await raw(target, '127.0.0.3')
    expect((await within(refused, 'the third socket is refused')).name).to.equal('ConnectionDeniedError')
    await within(third.closed, 'the node hangs up on the third socket')
    await raw(target, '127.0.0.4')
    await until(() => openSockets(target) === 3, 'a socket from another IP is accepted', { timeout: WAIT_MS })
    const good = await node()
    const conn = await good.dial(target.getMultiaddrs()[0])
    expect(conn.status).to.equal('open')
  })

  it('the deny list refuses an IP (and only that IP); the allow list lets one past the limits', async () => {
    const target = await node({
      connectionManager: {
        deny: ['127.0.0.3', '/ip4/127.0.6.0/ipcidr/24'],
        allow: ['/ip4/127.0.0.5'],
        inboundConnectionThreshold: 1
      }
    })
    const errors = watchListenerErrors(target)
    for (const from of ['127.0.0.3', '127.0.6.9']) {
      const refused = errors.next()
      const denied = await raw(target, from)
      expect((await within(refused, `${from} is refused`)).name).to.equal('ConnectionDeniedError')
      await within(denied.closed, `the node hangs up on ${from}`)
    }
    // 127.0.0.30 merely starts with the denied 127.0.0.3: it is another address
    await raw(target, '127.0.0.30')
    await until(() => openSockets(target) === 1, '127.0.0.30 is accepted', { timeout: WAIT_MS })
    // over the per-IP threshold, but allow-listed
    await raw(target, '127.0.0.5')
    await raw(target, '127.0.0.5')
    await raw(target, '127.0.0.5')
    await until(() => openSockets(target) === 4, 'the allow-listed IP is accepted every time', { timeout: WAIT_MS })
    expect(errors.errors).to.have.length(2)
  })

  // ---- dialling -------------------------------------------------------------------------------

  it('maxParallelDials and maxDialQueueLength: the dial past the queue fails at once with LimitExceededError', async () => {
    const target = await node({ connectionManager: { maxParallelDials: 1, maxDialQueueLength: 1, addressDialTimeout: 20_000 } })
    const holes = await Promise.all([blackHole(), blackHole(), blackHole()])
    const controller = new AbortController()
    const signal = controller.signal
    const inFlight = target.dial(holes[0].addr(await randomPeer()), { signal }).catch(e => e)
    await within(holes[0].accepted, 'the first dial is in flight')
    const queued = target.dial(holes[1].addr(await randomPeer()), { signal }).catch(e => e)
    const start = Date.now()
    const err = await within(target.dial(holes[2].addr(await randomPeer()), { signal }).catch(e => e), 'the third dial fails')
    expect(err.name).to.equal('LimitExceededError')
    expect(err.message).to.include('maxDialQueueLength')
    expect(Date.now() - start).to.be.below(1_000)
    controller.abort()
    expect((await within(inFlight, 'the in-flight dial ends')).name).to.equal('AbortError')
    expect((await within(queued, 'the queued dial ends')).name).to.equal('AbortError')
    // the slot and the queue place were given back
    const hole = await blackHole()
    const late = target.dial(hole.addr(await randomPeer()), { signal: AbortSignal.timeout(200) }).catch(e => e)
    await within(hole.accepted, 'a later dial gets the slot')
    expect((await within(late, 'the later dial ends')).name).to.be.oneOf(['AbortError', 'TimeoutError'])
  })

  it('a dial to a socket that never answers the handshake fails with TimeoutError inside DialError after addressDialTimeout', async () => {
    const dialTimeoutMs = 300
    const target = await node({ connectionManager: { addressDialTimeout: dialTimeoutMs } })
    const hole = await blackHole()
    const start = Date.now()
    const err = await within(target.dial(hole.addr(await randomPeer())).catch(e => e), 'the dial times out')
    const elapsed = Date.now() - start
    expect(err.name).to.equal('DialError')
    expect(err.errors[0].name).to.equal('TimeoutError')
    expect(elapsed).to.be.at.least(dialTimeoutMs - 20).and.below(dialTimeoutMs + 2_000)
    await until(() => hole.sockets.size === 0, 'the node closed its socket', { timeout: WAIT_MS })
  })

  it('dialTimeout bounds a dial without a signal as a whole, whatever addressDialTimeout allows', async () => {
    const dialTimeout = 300
    const target = await node({ connectionManager: { dialTimeout, addressDialTimeout: 20_000 } })
    const hole = await blackHole()
    const start = Date.now()
    const err = await within(target.dial(hole.addr(await randomPeer())).catch(e => e), 'the dial times out')
    expect(err.name).to.equal('TimeoutError')
    expect(err.message).to.include('dialTimeout')
    expect(Date.now() - start).to.be.at.least(dialTimeout - 20).and.below(dialTimeout + 2_000)
    await until(() => hole.sockets.size === 0, 'the node closed its socket', { timeout: WAIT_MS })
  })

  it('aborting a dial through its signal ends it at once and closes the socket', async () => {
    const target = await node({ connectionManager: { addressDialTimeout: 20_000 } })
    const hole = await blackHole()
    const controller = new AbortController()
    const dialing = target.dial(hole.addr(await randomPeer()), { signal: controller.signal }).catch(e => e)
    await within(hole.accepted, 'the dial reached the socket')
    const start = Date.now()
    controller.abort()
    const err = await within(dialing, 'the dial ends')
    expect(err.name).to.equal('AbortError')
    expect(Date.now() - start).to.be.below(1_000)
    await until(() => hole.sockets.size === 0, 'the node closed its socket', { timeout: WAIT_MS })
  })

  it('aborting a dial that waits for a slot takes it out of the queue', async () => {
    const target = await node({ connectionManager: { maxParallelDials: 1, maxDialQueueLength: 1, addressDialTimeout: 20_000 } })
    const hole = await blackHole()
    const holder = new AbortController()
    const inFlight = target.dial(hole.addr(await randomPeer()), { signal: holder.signal }).catch(e => e)
    await within(hole.accepted, 'the first dial holds the only slot')
    const waiter = new AbortController()
    const queued = target.dial(hole.addr(await randomPeer()), { signal: waiter.signal }).catch(e => e)
    waiter.abort()
    expect((await within(queued, 'the queued dial ends')).name).to.equal('AbortError')
    // its place in the queue is free again: another dial may wait there instead of failing
    const next = target.dial(hole.addr(await randomPeer()), { signal: holder.signal }).catch(e => e)
    holder.abort()
    expect((await within(inFlight, 'the in-flight dial ends')).name).to.equal('AbortError')
    expect((await within(next, 'the next dial ends')).name).to.equal('AbortError')
  })

  it('a caller that aborts a shared dial does not abort it for the others', async () => {
    const target = await node()
    const dialer = await node()
    const ma = target.getMultiaddrs()[0]
    const controller = new AbortController()
    const impatient = dialer.dial(ma, { signal: controller.signal }).catch(e => e)
    const patient = dialer.dial(ma)
    const alsoImpatient = dialer.dial(ma, { signal: AbortSignal.timeout(20_000) })
    controller.abort()
    expect((await within(impatient, 'the aborted caller gives up')).name).to.equal('AbortError')
    const conn = await within(patient, 'the patient caller gets the connection')
    expect(conn.status).to.equal('open')
    expect(await within(alsoImpatient, 'so does a caller whose signal did not fire')).to.equal(conn)
  })

  it('concurrent dials to the same peer share one connection', async () => {
    const target = await node()
    const dialer = await node()
    await dialer.peerStore.merge(target.peerId, { multiaddrs: target.getMultiaddrs() })
    const ma = target.getMultiaddrs()[0]
    const all = await Promise.all([
      ...Array.from({ length: 5 }, async () => dialer.dial(ma)),
      ...Array.from({ length: 5 }, async () => dialer.dial(target.peerId))
    ])
    for (const c of all) { expect(c).to.equal(all[0]) }
    // and a later dial by address reuses it too
    expect(await dialer.dial(ma)).to.equal(all[0])
    await until(() => target.getConnections().length === 1, 'the target sees one connection', { timeout: WAIT_MS })
    expect(dialer.getConnections()).to.have.length(1)
  })

  it('re-dials a keep-alive peer after its connection drops', async () => {
    const target = await node({ connectionManager: { reconnectRetryInterval: 20, reconnectRetries: 3 } })
    const friend = await node()
    await target.peerStore.merge(friend.peerId, { multiaddrs: friend.getMultiaddrs(), tags: { 'keep-alive': { value: 100 } } })
    await target.dial(friend.peerId)
    await until(() => friend.getConnections(target.peerId).length === 1, 'the friend sees the connection', { timeout: WAIT_MS })
    const reconnected = new Promise<PeerId>(resolve => {
      target.addEventListener('peer:disconnect', () => {
        target.addEventListener('peer:connect', (evt) => { resolve(evt.detail) }, { once: true })
      }, { once: true })
    })
    await friend.hangUp(target.peerId)
    const peer = await within(reconnected, 'the node re-dials its keep-alive peer')
    expect(peer.toString()).to.equal(friend.peerId.toString())
    const conn = target.getConnections(friend.peerId)[0]
    expect(conn.direction).to.equal('outbound')
    expect(conn.status).to.equal('open')
  })
})
