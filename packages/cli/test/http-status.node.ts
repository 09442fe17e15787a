import { RESERVATION_TAG } from '@libp2p/circuit-relay-v2'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { STATUS_MAX_PEERS } from '../src/http/constants.js'
import { ReservedPeers } from '../src/http/reserved-peers.js'
import { statusSnapshot } from '../src/http/status.js'
import type { StatusNode } from '../src/http/status.js'
import type { Connection, PeerId } from '@libp2p/interface'

async function peerIds (n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

/** the parts of a connection the snapshot reads */
function connection (remotePeer: PeerId, opened: number, port: number, streams = 0): Connection {
  return {
    id: `c${port}`,
    remotePeer,
    remoteAddr: multiaddr(`/ip4/10.0.0.1/tcp/${port}`),
    direction: 'inbound',
    direct: true,
    streams: new Array(streams).fill({}),
    timeline: { open: opened }
  } as unknown as Connection
}

function standIn (connections: Connection[]): StatusNode {
  return {
    peerId: connections[0].remotePeer,
    getMultiaddrs: () => [],
    getConnections: () => connections,
    services: {
      relay: { reservationCount: 0, circuitCount: 0 },
      dht: { routingTable: { size: 0 }, getMode: () => 'server' }
    }
  } as unknown as StatusNode
}

/** a peer store update as the node sends it: the peer with its tags */
function update (peer: PeerId, reserved: boolean): CustomEvent {
  return new CustomEvent('peer:update', { detail: { peer: { id: peer, tags: new Map(reserved ? [[RESERVATION_TAG, { value: 1 }]] : []) } } })
}

describe('status snapshot: peers and reservations', () => {
  it('lists at most STATUS_MAX_PEERS peers, those connected last first, with the total; a peer\'s connections are taken together', async () => {
    const ids = await peerIds(STATUS_MAX_PEERS + 20)
    // one connection each, the i-th opened at i; the first peer has a second, newer one with 2 streams
    const connections = ids.map((id, i) => connection(id, 1000 + i, 2000 + i, 1))
    connections.push(connection(ids[0], 5000, 9999, 2))
    const s = statusSnapshot(standIn(connections))
    expect(s.peerCount).to.equal(ids.length)
    expect(s.peers).to.have.lengthOf(STATUS_MAX_PEERS)
    expect(s.peers[0]).to.deep.equal({ peerId: ids[0].toString(), remoteAddr: '/ip4/10.0.0.1/tcp/9999', direction: 'inbound', connections: 2, streams: 3, connected: 1000, reservation: false })
    expect(s.peers[1].peerId).to.equal(ids[ids.length - 1].toString())
    expect(s.reservationCount).to.equal(0)
    expect(s.reservations).to.deep.equal([])
  })

  it('follows reservations from the peer store\'s tag updates: newest first, untagged or disconnected peers leave, the list is bounded', async () => {
    const events = new EventTarget()
    const reserved = new ReservedPeers(events)
    const ids = await peerIds(STATUS_MAX_PEERS + 2)
    for (const id of ids) { events.dispatchEvent(update(id, true)) }
    // a second update of a reserved peer (e.g. another tag) keeps its place
    events.dispatchEvent(update(ids[0], true))
    events.dispatchEvent(update(ids[1], false))
    events.dispatchEvent(new CustomEvent('peer:disconnect', { detail: ids[2] }))
    expect(reserved.size).to.equal(ids.length - 2)
    expect(reserved.has(ids[0].toString())).to.equal(true)
    expect(reserved.has(ids[1].toString())).to.equal(false)

    const connections = [connection(ids[0], 1000, 3000), connection(ids[ids.length - 1], 1001, 3001)]
    const s = statusSnapshot(standIn(connections), {}, reserved)
    expect(s.reservationCount).to.equal(ids.length - 2)
    expect(s.reservations).to.have.lengthOf(STATUS_MAX_PEERS)
    expect(s.reservations[0]).to.include({ peerId: ids[ids.length - 1].toString(), remoteAddr: '/ip4/10.0.0.1/tcp/3001' })
    expect(s.reservations[1].remoteAddr).to.equal(undefined)
    expect(s.peers.map(p => [p.peerId, p.reservation])).to.deep.equal([[ids[ids.length - 1].toString(), true], [ids[0].toString(), true]])

    reserved.stop()
    events.dispatchEvent(update(ids[0], false))
    expect(reserved.has(ids[0].toString())).to.equal(true)
  })
})
