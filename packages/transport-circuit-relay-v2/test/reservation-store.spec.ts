import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { ReservationStore } from '../src/server/reservation-store.js'
import { ReservationsView } from '../src/server/reservations-view.js'
import type { PeerId } from '@libp2p/interface'

async function peers (n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

const addr = multiaddr('/ip4/10.0.0.1/tcp/4001')

describe('relay reservation store', () => {
  it('holds at most maxReservations, a refresh does not count, expired ones make room', async () => {
    const [a, b, c] = await peers(3)
    const store = new ReservationStore({ maxReservations: 2, maxReservationsPerIp: 10, reservationTtlMs: 1_000 })
    expect(store.reserve(a, addr, '10.0.0.1', 0).ok).to.equal(true)
    expect(store.reserve(b, addr, '10.0.0.2', 0).ok).to.equal(true)
    expect(store.reserve(c, addr, '10.0.0.3', 500)).to.deep.equal({ ok: false, reason: 'maxReservations' })
    // a's refresh at 600 extends it to 1600; b expires at 1000
    expect(store.reserve(a, addr, '10.0.0.1', 600).ok).to.equal(true)
    expect(store.reserve(c, addr, '10.0.0.3', 1_000).ok).to.equal(true)
    expect(store.get(b, 1_000)).to.equal(undefined)
    expect(store.get(a, 1_500)?.expiresAt).to.equal(1_600)
    expect(store.get(a, 1_600)).to.equal(undefined)
  })

  it('holds at most maxReservationsPerIp from one IP', async () => {
    const [a, b, c] = await peers(3)
    const store = new ReservationStore({ maxReservations: 10, maxReservationsPerIp: 1, reservationTtlMs: 1_000 })
    expect(store.reserve(a, addr, '10.0.0.1', 0).ok).to.equal(true)
    expect(store.reserve(b, addr, '10.0.0.1', 0)).to.deep.equal({ ok: false, reason: 'maxReservationsPerIp' })
    expect(store.reserve(c, addr, '10.0.0.2', 0).ok).to.equal(true)
    // once a's expired, the IP has room again
    expect(store.reserve(b, addr, '10.0.0.1', 1_000).ok).to.equal(true)
    expect(store.delete(b)).to.equal(true)
    expect(store.size).to.equal(2)
  })

  it('sweep() drops the expired reservations only and returns them', async () => {
    const [a, b] = await peers(2)
    const store = new ReservationStore({ maxReservations: 10, maxReservationsPerIp: 10, reservationTtlMs: 1_000 })
    store.reserve(a, addr, '10.0.0.1', 0)
    store.reserve(b, addr, '10.0.0.2', 500)
    expect(store.sweep(999)).to.deep.equal([])
    expect(store.sweep(1_000).map(r => r.peer.toString())).to.deep.equal([a.toString()])
    expect(store.size).to.equal(1)
    expect(store.sweep(1_500).map(r => r.peer.toString())).to.deep.equal([b.toString()])
    expect(store.size).to.equal(0)
  })
})

describe('relay reservations view', () => {
  it('shows only live reservations, with expiry as a Date, the address and the shared limit', async () => {
    const [a, b] = await peers(2)
    const store = new ReservationStore({ maxReservations: 10, maxReservationsPerIp: 10, reservationTtlMs: 1_000 })
    const now = Date.now()
    store.reserve(a, addr, '10.0.0.1', now)
    store.reserve(b, addr, '10.0.0.2', now - 5_000) // already expired
    const view = new ReservationsView(store, () => ({ duration: 1, data: 2n }))
    expect(view.size).to.equal(1)
    expect(view.has(a)).to.equal(true)
    expect(view.has(b)).to.equal(false)
    expect(view.get(a)).to.deep.equal({ expiry: new Date(now + 1_000), addr, limit: { duration: 1, data: 2n } })
    expect([...view.keys()].map(String)).to.deep.equal([a.toString()])
  })
})
