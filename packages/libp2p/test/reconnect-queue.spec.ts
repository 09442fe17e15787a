import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { ReconnectQueue } from '../src/connection-manager/reconnect-queue.js'
import type { ReconnectClock } from '../src/connection-manager/reconnect-queue.js'
import type { Connection, PeerId, PeerStore } from '@libp2p/interface'

/** timers that fire only when the test says so: the backoff is checked without real time */
class FakeClock implements ReconnectClock {
  readonly waits: number[] = []
  readonly #pending = new Map<number, () => void>()
  #next = 0

  setTimeout (fn: () => void, ms: number): unknown {
    this.waits.push(ms)
    const handle = ++this.#next
    this.#pending.set(handle, fn)
    return handle
  }

  clearTimeout (handle: unknown): void {
    this.#pending.delete(handle as number)
  }

  get pending (): number {
    return this.#pending.size
  }

  /** fire the one pending timer */
  fire (): void {
    const [handle, fn] = [...this.#pending.entries()][0] ?? []
    if (handle == null || fn == null) { throw new Error('no timer is pending') }
    this.#pending.delete(handle)
    fn()
  }
}

/** lets every promise that is ready run (the queue awaits the peer store between steps) */
async function settle (): Promise<void> {
  for (let i = 0; i < 20; i++) { await Promise.resolve() }
}

interface Setup {
  queue: ReconnectQueue
  clock: FakeClock
  peer: PeerId
  dials: number
  tags: Set<string>
  succeedAt: number
}

async function setup (init: { retries?: number, retryInterval?: number, backoffFactor?: number }, succeedAt = Infinity): Promise<Setup> {
  const peer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const clock = new FakeClock()
  const s: Setup = { queue: undefined as unknown as ReconnectQueue, clock, peer, dials: 0, tags: new Set(['keep-alive']), succeedAt }
  const peerStore = {
    has: async () => true,
    get: async () => ({ tags: new Map([...s.tags].map(t => [t, { value: 1 }])) })
  } as unknown as PeerStore
  s.queue = new ReconnectQueue({
    peerStore,
    logger: defaultLogger(),
    dial: async (): Promise<Connection> => {
      s.dials++
      if (s.dials >= s.succeedAt) { return {} as unknown as Connection }
      throw new Error('refused')
    }
  }, { ...init, clock })
  return s
}

describe('ReconnectQueue (with a fake clock)', () => {
  it('re-dials at once, then `retries` times after retryInterval × backoffFactor^n, then gives up leaving no timer', async () => {
    const s = await setup({ retries: 4, retryInterval: 100, backoffFactor: 2 })
    const done = s.queue.maybeReconnect(s.peer)
    await settle()
    expect(s.dials).to.equal(1)
    for (let n = 0; n < 4; n++) {
      expect(s.clock.pending).to.equal(1)
      s.clock.fire()
      await settle()
      expect(s.dials).to.equal(n + 2)
    }
    await done
    expect(s.clock.waits).to.deep.equal([100, 200, 400, 800])
    expect(s.clock.pending).to.equal(0)
  })

  it('uses the backoff factor it is given, and stops at the first dial that works', async () => {
    const s = await setup({ retries: 5, retryInterval: 50, backoffFactor: 3 }, 3)
    const done = s.queue.maybeReconnect(s.peer)
    await settle()
    s.clock.fire()
    await settle()
    s.clock.fire()
    await done
    expect(s.dials).to.equal(3)
    expect(s.clock.waits).to.deep.equal([50, 150])
    expect(s.clock.pending).to.equal(0)
  })

  it('lets a peer go whose keep-alive tag was removed while it waited', async () => {
    const s = await setup({ retries: 4, retryInterval: 100 })
    const done = s.queue.maybeReconnect(s.peer)
    await settle()
    s.tags.clear()
    s.clock.fire()
    await done
    expect(s.dials).to.equal(1)
    expect(s.clock.pending).to.equal(0)
  })

  it('does not re-dial a peer without a keep-alive tag, nor one already being re-dialled', async () => {
    const s = await setup({ retries: 2, retryInterval: 100 })
    const first = s.queue.maybeReconnect(s.peer)
    const second = s.queue.maybeReconnect(s.peer)
    await settle()
    expect(s.dials).to.equal(1)
    s.queue.stop()
    await Promise.all([first, second])
    expect(s.clock.pending).to.equal(0)

    const untagged = await setup({ retries: 2 })
    untagged.tags.clear()
    await untagged.queue.maybeReconnect(untagged.peer)
    expect(untagged.dials).to.equal(0)
  })

  it('stop() cancels the pending backoff timer', async () => {
    const s = await setup({ retries: 3, retryInterval: 100 })
    const done = s.queue.maybeReconnect(s.peer)
    await settle()
    expect(s.clock.pending).to.equal(1)
    s.queue.stop()
    await done
    expect(s.clock.pending).to.equal(0)
    expect(s.dials).to.equal(1)
  })
})
