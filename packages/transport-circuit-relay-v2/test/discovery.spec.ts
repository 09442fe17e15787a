import { generateKeyPair } from '@libp2p/crypto/keys'
import { TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { disabledLogger } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { RELAY_V2_HOP_CODEC } from '../src/constants.js'
import { RelayDiscovery } from '../src/transport/discovery.js'
import type { RelaySeeker } from '../src/transport/discovery.js'
import type { Libp2pEvents, PeerId } from '@libp2p/interface'

async function newPeerId (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** a seeker whose attempts stay pending until the test settles them */
class FakeSeeker implements RelaySeeker {
  readonly tried: PeerId[] = []
  readonly #settle: Array<(ok: boolean) => void> = []
  #onTry: () => void = () => {}

  async tryRelay (relay: PeerId): Promise<void> {
    this.tried.push(relay)
    this.#onTry()
    const ok = await new Promise<boolean>(resolve => { this.#settle.push(resolve) })
    if (!ok) { throw new TypeError(`${relay.toString()} refused`) }
  }

  /** resolves at this seeker's next attempt */
  async nextTry (): Promise<void> {
    await new Promise<void>(resolve => { this.#onTry = resolve })
  }

  /** settle the oldest pending attempt */
  settle (ok: boolean): void {
    this.#settle.shift()?.(ok)
  }
}

describe('RelayDiscovery (bounds and concurrency)', () => {
  let self: PeerId
  let events: TypedEventEmitter<Libp2pEvents>
  const relays = new Map<string, number>()

  function discovery (reservationConcurrency: number, maxReservationQueueLength: number): RelayDiscovery {
    const d = new RelayDiscovery({
      peerId: self,
      events,
      peerStore: { all: async () => [] },
      logger: { forComponent: () => disabledLogger() }
    }, { reservationConcurrency, maxReservationQueueLength, relays })
    d.start()
    return d
  }

  function identify (peerId: PeerId, protocols = [RELAY_V2_HOP_CODEC]): void {
    events.safeDispatchEvent('peer:identify', { detail: { peerId, protocols, listenAddrs: [] } as any })
  }

  beforeEach(async () => {
    self = await newPeerId()
    events = new TypedEventEmitter<Libp2pEvents>()
    relays.clear()
  })

  it('remembers at most maxReservationQueueLength candidates (the oldest is forgotten), and only hop peers, not itself', async () => {
    const d = discovery(1, 2)
    const busy = new FakeSeeker()
    d.want(busy)
    const [first, a, b, c, plain] = await Promise.all([newPeerId(), newPeerId(), newPeerId(), newPeerId(), newPeerId()])
    identify(first) // given to the waiting seeker at once
    expect(busy.tried).to.deep.equal([first])
    identify(plain, ['/ipfs/ping/1.0.0'])
    identify(self)
    identify(a)
    identify(b)
    identify(c)
    expect(d.candidates).to.equal(2)
    // the seeker's attempt fails: it is given the oldest remembered candidate, b (a was forgotten)
    const again = busy.nextTry()
    busy.settle(false)
    await again
    expect(busy.tried.map(String)).to.deep.equal([first, b].map(String))
    expect(d.candidates).to.equal(1)
    d.stop()
  })

  it('runs at most reservationConcurrency attempts at once, and skips relays already held', async () => {
    const d = discovery(1, 10)
    const one = new FakeSeeker()
    const two = new FakeSeeker()
    d.want(one)
    d.want(two)
    const [held, a, b] = await Promise.all([newPeerId(), newPeerId(), newPeerId()])
    relays.set(held.toString(), 1)
    identify(held)
    identify(a)
    identify(b)
    expect(one.tried).to.deep.equal([a])
    expect(two.tried).to.deep.equal([])
    const next = two.nextTry()
    one.settle(true)
    await next
    expect(two.tried).to.deep.equal([b])
    d.stop()
  })
})
