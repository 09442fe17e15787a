import { HandshakeStream, encodeVarint, lpEncode } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC } from '../src/constants.js'
import { hopCodec, readMessage, stopCodec } from '../src/messages.js'
import { HopMessage, Status, StopMessage } from '../src/pb/circuit.js'
import { hopRequest } from '../src/transport/hop-request.js'
import { circuitAddr, clientNode, echo, nextEvent, relayNode, roundTrip } from './fixtures/nodes.js'
import type { RelayNode } from './fixtures/nodes.js'
import type { Connection } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

const ECHO = '/test/echo/1.0.0'
const UNLIMITED_ONLY = '/test/unlimited-only/1.0.0'

describe('circuit relay v2 over TCP (relay, listener, dialer)', function () {
  this.timeout(20_000)
  const nodes: Libp2p[] = []

  async function track<T extends Libp2p> (p: Promise<T>): Promise<T> {
    const node = await p
    nodes.push(node)
    return node
  }

  async function listenerOn (relay: Libp2p, init = {}): Promise<Libp2p> {
    const listener = await track(clientNode(relay, init))
    await listener.handle(ECHO, async (stream) => { await echo(stream) }, { runOnLimitedConnection: true })
    await listener.handle(UNLIMITED_ONLY, async (stream) => { await echo(stream) })
    return listener
  }

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  it('reserves a slot, advertises the relayed address, and the dialer reaches the listener through it', async () => {
    const relay = await track(relayNode())
    const listener = await listenerOn(relay)
    expect(relay.services.relay.reservationCount).to.equal(1)
    const addr = circuitAddr(listener)
    expect(addr.toString()).to.equal(`${relay.getMultiaddrs()[0].toString()}/p2p-circuit/p2p/${listener.peerId.toString()}`)

    const dialer = await track(clientNode())
    const connection = await dialer.dial(addr)
    expect(connection.remotePeer.equals(listener.peerId)).to.equal(true)
    expect(connection.limits).to.deep.equal({ seconds: 120, bytes: 131072n })
    const stream = await connection.newStream(ECHO, { runOnLimitedConnection: true })
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff)
    expect(await roundTrip(stream, data)).to.deep.equal(data)
    expect(relay.services.relay.circuitCount).to.equal(1)

    // the listener's side is limited too
    const inbound = listener.getConnections(dialer.peerId)
    expect(inbound).to.have.lengthOf(1)
    expect(inbound[0].limits).to.deep.equal({ seconds: 120, bytes: 131072n })

    // (set when the reservation was granted, some round trips ago) both ends tag the other so that the connection is pruned last
    await expect(relay.peerStore.get(listener.peerId)).to.eventually.have.nested.property('tags').that.has.keys('circuit-relay-reservation')
    await expect(listener.peerStore.get(relay.peerId)).to.eventually.have.nested.property('tags').that.has.keys('circuit-relay-reservation')
  })

  it('runs only protocols that opt in on the relayed connection', async () => {
    const relay = await track(relayNode())
    const listener = await listenerOn(relay)
    const dialer = await track(clientNode())
    const connection = await dialer.dial(circuitAddr(listener))
    // the dialer does not open it without opting in
    await expect(connection.newStream(UNLIMITED_ONLY)).to.eventually.be.rejected.with.property('name', 'LimitedConnectionError')
    // nor does the listener's handler run when the dialer opts in but the handler does not
    const refused = await connection.newStream(UNLIMITED_ONLY, { runOnLimitedConnection: true })
    await expect(roundTrip(refused, Uint8Array.from([1, 2, 3]))).to.eventually.be.rejected()
    // the connection is still usable for a protocol that opts in
    const ok = await connection.newStream(ECHO, { runOnLimitedConnection: true })
    expect(await roundTrip(ok, Uint8Array.from([4, 5]))).to.deep.equal(Uint8Array.from([4, 5]))
  })

  it('refreshes the reservation before it expires', async () => {
    const relay = await track(relayNode({ reservations: { reservationTtl: 2_000 } }))
    const listener = await listenerOn(relay)
    // each granted reservation is a listening event; two more are two refreshes
    await nextEvent(listener, 'transport:listening')
    await nextEvent(listener, 'transport:listening')
    expect(relay.services.relay.reservationCount).to.equal(1)
    const dialer = await track(clientNode())
    const connection = await dialer.dial(circuitAddr(listener))
    const stream = await connection.newStream(ECHO, { runOnLimitedConnection: true })
    expect(await roundTrip(stream, Uint8Array.from([9]))).to.deep.equal(Uint8Array.from([9]))
  })

  it('ends the circuit at the data limit', async () => {
    const relay = await track(relayNode({ reservations: { defaultDataLimit: 4096n } }))
    const listener = await listenerOn(relay)
    const dialer = await track(clientNode())
    const connection = await dialer.dial(circuitAddr(listener))
    expect(connection.limits?.bytes).to.equal(4096n)
    const closed = nextEvent(connection, 'close')
    const stream = await connection.newStream(ECHO, { runOnLimitedConnection: true })
    await expect(roundTrip(stream, new Uint8Array(16 * 1024))).to.eventually.be.rejected()
    await closed
    expect(connection.status).to.equal('closed')
    expect(relay.services.relay.circuitCount).to.equal(0)
  })

  it('ends the circuit at the duration limit', async () => {
    const relay = await track(relayNode({ reservations: { defaultDurationLimit: 1_000 } }))
    const listener = await listenerOn(relay)
    const dialer = await track(clientNode())
    const connection = await dialer.dial(circuitAddr(listener))
    expect(connection.limits?.seconds).to.equal(1)
    const opened = Date.now()
    await nextEvent(connection, 'close')
    expect(Date.now() - opened).to.be.within(800, 5_000)
    expect(relay.services.relay.circuitCount).to.equal(0)
  })

  it('refuses reservations over maxReservations and maxReservationsPerIp with RESERVATION_REFUSED', async () => {
    for (const reservations of [{ maxReservations: 1 }, { maxReservationsPerIp: 1 }]) {
      const relay = await track(relayNode({ reservations }))
      await listenerOn(relay)
      const other = await track(clientNode())
      const toRelay = await other.dial(relay.getMultiaddrs()[0])
      await expect(hopRequest(toRelay, { type: HopMessage.Type.RESERVE }, AbortSignal.timeout(5_000)))
        .to.eventually.be.rejected.with.property('status', Status.RESERVATION_REFUSED)
      expect(relay.services.relay.reservationCount).to.equal(1)
    }
  })

  it('refuses circuits to peers without a reservation (NO_RESERVATION) and over maxCircuits (RESOURCE_LIMIT_EXCEEDED)', async () => {
    const relay = await track(relayNode({ maxCircuits: 1 }))
    const listener = await listenerOn(relay)
    const dialer = await track(clientNode())
    const other = await track(clientNode())
    const toRelay = await other.dial(relay.getMultiaddrs()[0])
    await expect(hopRequest(toRelay, { type: HopMessage.Type.CONNECT, peer: { id: dialer.peerId.toMultihash().bytes, addrs: [] } }, AbortSignal.timeout(5_000)))
      .to.eventually.be.rejected.with.property('status', Status.NO_RESERVATION)

    await dialer.dial(circuitAddr(listener))
    expect(relay.services.relay.circuitCount).to.equal(1)
    await expect(hopRequest(toRelay, { type: HopMessage.Type.CONNECT, peer: { id: listener.peerId.toMultihash().bytes, addrs: [] } }, AbortSignal.timeout(5_000)))
      .to.eventually.be.rejected.with.property('status', Status.RESOURCE_LIMIT_EXCEEDED)
    // and through the node's dial: the refusal is the reason the dial failed
    await expect(other.dial(circuitAddr(listener))).to.eventually.be.rejected.with.property('message').that.matches(/RESOURCE_LIMIT_EXCEEDED/)
  })

  it('refuses circuits over maxCircuitsPerPeer with RESOURCE_LIMIT_EXCEEDED', async () => {
    const relay = await track(relayNode({ maxCircuitsPerPeer: 1 }))
    const listener = await listenerOn(relay)
    const dialer = await track(clientNode())
    await dialer.dial(circuitAddr(listener))
    // a second circuit to the same listener, from another peer
    const other = await track(clientNode())
    const toRelay = await other.dial(relay.getMultiaddrs()[0])
    await expect(hopRequest(toRelay, { type: HopMessage.Type.CONNECT, peer: { id: listener.peerId.toMultihash().bytes, addrs: [] } }, AbortSignal.timeout(5_000)))
      .to.eventually.be.rejected.with.property('status', Status.RESOURCE_LIMIT_EXCEEDED)
    expect(relay.services.relay.circuitCount).to.equal(1)
  })

  it('reserves again when the relay drops the connection, and keeps its relayed address', async () => {
    const relay = await track(relayNode())
    const listener = await listenerOn(relay)
    const before = circuitAddr(listener).toString()
    const again = nextEvent(listener, 'transport:listening')
    await relay.hangUp(listener.peerId)
    await again
    expect(circuitAddr(listener).toString()).to.equal(before)
    expect(relay.services.relay.reservationCount).to.equal(1)
    const dialer = await track(clientNode())
    const stream = await dialer.dialProtocol(circuitAddr(listener), ECHO, { runOnLimitedConnection: true })
    expect(await roundTrip(stream, Uint8Array.from([7]))).to.deep.equal(Uint8Array.from([7]))
  })

  it('notices the relay going away: the listener closes and withdraws its relayed address', async () => {
    const relay = await track(relayNode())
    const listener = await listenerOn(relay)
    expect(() => circuitAddr(listener)).to.not.throw()
    const closed = nextEvent(listener, 'transport:close')
    await relay.stop()
    await closed
    expect(listener.getMultiaddrs().filter(a => a.toString().includes('p2p-circuit'))).to.deep.equal([])
  })

  describe('bad input', () => {
    let relay: RelayNode
    let listener: Libp2p
    let toRelay: Connection

    beforeEach(async () => {
      relay = await track(relayNode())
      listener = await listenerOn(relay)
      const other = await track(clientNode())
      toRelay = await other.dial(relay.getMultiaddrs()[0])
    })

    async function sendRaw (connection: Connection, protocol: string, bytes: Uint8Array, codec: typeof hopCodec | typeof stopCodec): Promise<{ status?: Status, after: Promise<unknown> }> {
      const stream = await connection.newStream(protocol, { signal: AbortSignal.timeout(5_000) })
      stream.send(bytes)
      const answer = await readMessage(new HandshakeStream(stream), codec as typeof hopCodec, { signal: AbortSignal.timeout(5_000) })
      const after = stream.read({ signal: AbortSignal.timeout(5_000) })
      void after.then(async () => { await stream.close() }, () => {})
      return { status: answer.status, after }
    }

    it('answers garbage and oversize HOP messages with MALFORMED_MESSAGE and closes only that stream', async () => {
      for (const bytes of [lpEncode(Uint8Array.from([0xff, 0xff, 0xff, 0x0f, 0x01])).subarray(), encodeVarint(100_000)]) {
        const { status, after } = await sendRaw(toRelay, RELAY_V2_HOP_CODEC, bytes, hopCodec)
        expect(status).to.equal(Status.MALFORMED_MESSAGE)
        // then the relay closes that stream
        expect(await after).to.equal(null)
      }
      // an answer that is not a request
      const { status } = await sendRaw(toRelay, RELAY_V2_HOP_CODEC, lpEncode(HopMessage.encode({ type: HopMessage.Type.STATUS, status: Status.OK })).subarray(), hopCodec)
      expect(status).to.equal(Status.UNEXPECTED_MESSAGE)
      // the connection and the relay still work
      expect(toRelay.status).to.equal('open')
      const { answer } = await hopRequest(toRelay, { type: HopMessage.Type.RESERVE }, AbortSignal.timeout(5_000))
      expect(answer.status).to.equal(Status.OK)
    })

    it('answers garbage and oversize STOP messages with MALFORMED_MESSAGE and closes only that stream', async () => {
      const toListener = relay.getConnections(listener.peerId)[0]
      for (const bytes of [lpEncode(Uint8Array.from([0x08, 0x07])).subarray(), encodeVarint(100_000)]) {
        const { status, after } = await sendRaw(toListener, RELAY_V2_STOP_CODEC, bytes, stopCodec)
        expect(status).to.equal(Status.MALFORMED_MESSAGE)
        // then the relay closes that stream
        expect(await after).to.equal(null)
      }
      expect(toListener.status).to.equal('open')
      expect(() => circuitAddr(listener)).to.not.throw()
    })

    it('refuses a STOP request from a peer it holds no reservation on with PERMISSION_DENIED', async () => {
      const stranger = await track(relayNode())
      const opened = nextEvent<Connection>(stranger, 'connection:open')
      await listener.dial(stranger.getMultiaddrs()[0])
      const toListener = await opened
      const request = lpEncode(StopMessage.encode({ type: StopMessage.Type.CONNECT, peer: { id: relay.peerId.toMultihash().bytes, addrs: [] } })).subarray()
      const { status } = await sendRaw(toListener, RELAY_V2_STOP_CODEC, request, stopCodec)
      expect(status).to.equal(Status.PERMISSION_DENIED)
      expect(toListener.status).to.equal('open')
    })
  })
})
