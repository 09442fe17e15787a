import { expect } from 'aegir/chai'
import { HopMessage, Status } from '../src/pb/circuit.js'
import { hopRequest } from '../src/transport/hop-request.js'
import { Tracked, circuitAddr, clientNode, echo, relayNode, roundTrip } from './fixtures/nodes.js'
import type { Connection, PeerId } from '@libp2p/interface'

const ECHO = '/test/echo/1.0.0'

type Hook = (...peers: PeerId[]) => Promise<boolean>

/** a gater hook that records each call's arguments (as strings) and answers `deny` */
function recordingHook (deny: boolean): { calls: string[][], hook: Hook } {
  const calls: string[][] = []
  return {
    calls,
    // asynchronous, as a gater may be: the callers must await it
    hook: async (...peers) => {
      calls.push(peers.map(p => p.toString()))
      return deny
    }
  }
}

/** a hop CONNECT to `target` on a connection to the relay */
async function connectThrough (toRelay: Connection, target: PeerId): Promise<unknown> {
  return hopRequest(toRelay, { type: HopMessage.Type.CONNECT, peer: { id: target.toMultihash().bytes, addrs: [] } }, AbortSignal.timeout(5_000))
}

describe('circuit relay v2 and the connection gater', function () {
  this.timeout(20_000)
  const nodes = new Tracked()

  afterEach(async () => {
    await nodes.stopAll()
  })

  it('the relay asks denyInboundRelayReservation(source) and refuses a denied reservation with PERMISSION_DENIED', async () => {
    const gate = recordingHook(true)
    const relay = await nodes.track(relayNode({}, { denyInboundRelayReservation: gate.hook }))
    const client = await nodes.track(clientNode())
    const toRelay = await client.dial(relay.getMultiaddrs()[0])
    await expect(hopRequest(toRelay, { type: HopMessage.Type.RESERVE }, AbortSignal.timeout(5_000)))
      .to.eventually.be.rejected.with.property('status', Status.PERMISSION_DENIED)
    expect(gate.calls).to.deep.equal([[client.peerId.toString()]])
    expect(relay.services.relay.reservationCount).to.equal(0)
    // the refusal ends the request, not the connection
    expect(toRelay.status).to.equal('open')
  })

  it('the relay grants a reservation the gater allows, and asks denyOutboundRelayedConnection(source, destination) before each circuit', async () => {
    const reservations = recordingHook(false)
    const circuits = recordingHook(false)
    const relay = await nodes.track(relayNode({}, { denyInboundRelayReservation: reservations.hook, denyOutboundRelayedConnection: circuits.hook }))
    const listener = await nodes.track(clientNode(relay))
    await listener.handle(ECHO, async (stream) => { await echo(stream) }, { runOnLimitedConnection: true })
    expect(reservations.calls).to.deep.equal([[listener.peerId.toString()]])
    expect(relay.services.relay.reservationCount).to.equal(1)

    const dialer = await nodes.track(clientNode())
    const connection = await dialer.dial(circuitAddr(listener))
    expect(circuits.calls).to.deep.equal([[dialer.peerId.toString(), listener.peerId.toString()]])
    const data = Uint8Array.from([1, 2, 3])
    expect(await roundTrip(await connection.newStream(ECHO, { runOnLimitedConnection: true }), data)).to.deep.equal(data)
  })

  it('the relay refuses a circuit denyOutboundRelayedConnection denies with PERMISSION_DENIED, without contacting the destination', async () => {
    const circuits = recordingHook(true)
    const relay = await nodes.track(relayNode({}, { denyOutboundRelayedConnection: circuits.hook }))
    const listenerGate = recordingHook(false)
    const listener = await nodes.track(clientNode(relay, {}, { denyInboundRelayedConnection: listenerGate.hook }))
    const dialer = await nodes.track(clientNode())
    const toRelay = await dialer.dial(relay.getMultiaddrs()[0])
    await expect(connectThrough(toRelay, listener.peerId)).to.eventually.be.rejected.with.property('status', Status.PERMISSION_DENIED)
    expect(circuits.calls).to.deep.equal([[dialer.peerId.toString(), listener.peerId.toString()]])
    // and through the node's dial: the refusal is the reason it failed
    await expect(dialer.dial(circuitAddr(listener))).to.eventually.be.rejected.with.property('message').that.matches(/PERMISSION_DENIED/)
    // the listener was never sent a STOP request, so its gater was not asked
    expect(listenerGate.calls).to.deep.equal([])
    expect(relay.services.relay.circuitCount).to.equal(0)
    expect(listener.getConnections(dialer.peerId)).to.deep.equal([])
  })

  it('the listener asks denyInboundRelayedConnection(relay, remotePeer) and refuses a denied circuit with PERMISSION_DENIED', async () => {
    const relay = await nodes.track(relayNode())
    const gate = recordingHook(true)
    const listener = await nodes.track(clientNode(relay, {}, { denyInboundRelayedConnection: gate.hook }))
    const dialer = await nodes.track(clientNode())
    const toRelay = await dialer.dial(relay.getMultiaddrs()[0])
    // the relay answers CONNECTION_FAILED when the destination refuses STOP
    await expect(connectThrough(toRelay, listener.peerId)).to.eventually.be.rejected.with.property('status', Status.CONNECTION_FAILED)
    expect(gate.calls).to.deep.equal([[relay.peerId.toString(), dialer.peerId.toString()]])
    await expect(dialer.dial(circuitAddr(listener))).to.eventually.be.rejected.with.property('message').that.matches(/CONNECTION_FAILED/)
    expect(gate.calls).to.have.lengthOf(2)
    expect(relay.services.relay.circuitCount).to.equal(0)
    expect(listener.getConnections(dialer.peerId)).to.deep.equal([])
    // the refusal ends the STOP stream only: the reservation and the relay connection remain
    expect(relay.services.relay.reservationCount).to.equal(1)
    expect(listener.getConnections(relay.peerId).map(c => c.status)).to.deep.equal(['open'])
  })

  it('the relay answers CONNECTION_FAILED, not a reset, when the destination does not answer STOP within stopRequestTimeout', async () => {
    const relay = await nodes.track(relayNode({ stopRequestTimeout: 300, hopTimeout: 20_000 }))
    // the listener's gater holds its STOP answer until the test is done
    let release = (): void => {}
    const held = new Promise<boolean>(resolve => { release = () => { resolve(false) } })
    const listener = await nodes.track(clientNode(relay, {}, { denyInboundRelayedConnection: async () => held }))
    try {
      const dialer = await nodes.track(clientNode())
      const toRelay = await dialer.dial(relay.getMultiaddrs()[0])
      await expect(connectThrough(toRelay, listener.peerId)).to.eventually.be.rejected.with.property('status', Status.CONNECTION_FAILED)
      // the slot is free again and the reservation is kept
      expect(relay.services.relay.circuitCount).to.equal(0)
      expect(relay.services.relay.reservationCount).to.equal(1)
      expect(toRelay.status).to.equal('open')
    } finally {
      release()
    }
  })

  it('the listener accepts a circuit denyInboundRelayedConnection allows', async () => {
    const relay = await nodes.track(relayNode())
    const gate = recordingHook(false)
    const listener = await nodes.track(clientNode(relay, {}, { denyInboundRelayedConnection: gate.hook }))
    await listener.handle(ECHO, async (stream) => { await echo(stream) }, { runOnLimitedConnection: true })
    const dialer = await nodes.track(clientNode())
    const connection = await dialer.dial(circuitAddr(listener))
    expect(gate.calls).to.deep.equal([[relay.peerId.toString(), dialer.peerId.toString()]])
    const data = Uint8Array.from([4, 5, 6])
    expect(await roundTrip(await connection.newStream(ECHO, { runOnLimitedConnection: true }), data)).to.deep.equal(data)
  })
})
