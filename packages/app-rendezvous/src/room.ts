import { NotFoundError, TypedEventEmitter } from '@libp2p/interface'
import { withTimeout } from '@libp2p/utils'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { FIND_PROVIDERS_TIMEOUT_MS, MAX_ROOM_NAME_CHARS, PROVIDE_TIMEOUT_MS, ROOM_NAMESPACE } from './constants.js'
import { isDirectAddress } from './links.js'
import type { AppNode } from './node.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The DHT key of a room: a CIDv1 (raw codec) of the SHA-256 of the namespaced room name. Every page
 * in the room provides it and looks up its providers; the relay (a DHT server) keeps the records.
 */
export async function roomKey (name: string): Promise<CID> {
  const digest = await sha256.digest(new TextEncoder().encode(`${ROOM_NAMESPACE}${name.slice(0, MAX_ROOM_NAME_CHARS)}`))
  return CID.createV1(raw.code, digest)
}

export interface RoomProvider {
  id: PeerId
  /** its WebRTC addresses through a relay (`.../p2p-circuit/webrtc/p2p/<id>`) */
  multiaddrs: Multiaddr[]
}

/** when the room's steps first happened (performance.now(): in a page, ms since it was opened) */
export interface RoomTimeline {
  /** the first lookup that reached a DHT server answered */
  lookedUpAt?: number
  /** this page's record was first stored */
  announcedAt?: number
}

export interface RoomEvents {
  /** another page of the room, from a provider record (every lookup reports every provider again) */
  provider: CustomEvent<RoomProvider>
  /** this page's provider record was stored (again, after its relay addresses changed) */
  announced: CustomEvent<{ addresses: string[] }>
  /** a lookup or announcement failed; the next round tries again */
  error: CustomEvent<Error>
}

/**
 * One room: announces this page (a provider record for the room's key, naming the page's relayed
 * WebRTC addresses) once it has a relay reservation and again whenever those change, and looks up
 * the other pages every `pollMs` until stopped.
 */
export class Room extends TypedEventEmitter<RoomEvents> {
  readonly name: string
  readonly key: CID
  readonly timeline: RoomTimeline = {}
  readonly #node: AppNode
  readonly #pollMs: number
  readonly #stop = new AbortController()
  #announced = ''
  #wake?: () => void
  /** a wake-up came while no sleep was under way: skip the next one */
  #again = false

  constructor (node: AppNode, name: string, key: CID, pollMs: number) {
    super()
    this.#node = node
    this.name = name
    this.key = key
    this.#pollMs = pollMs
  }

  /** this page's addresses other pages can dial it on (empty until the relay granted a reservation) */
  ownAddresses (): string[] {
    return this.#node.getMultiaddrs().filter(isDirectAddress).map(ma => ma.toString()).sort()
  }

  start (): void {
    this.#node.addEventListener('self:peer:update', this.#onSelfUpdate)
    void this.#run()
  }

  stop (): void {
    this.#node.removeEventListener('self:peer:update', this.#onSelfUpdate)
    this.#stop.abort()
    this.#wake?.()
  }

  readonly #onSelfUpdate = (): void => { this.lookupSoon() }

  /**
   * looks the room up again now instead of after the poll (or right after the lookup under way): a
   * page that has just reached this one is most likely a newcomer whose record is there already
   */
  lookupSoon (): void {
    this.#again = true
    this.#wake?.()
  }

  async #run (): Promise<void> {
    const signal = this.#stop.signal
    while (!signal.aborted) {
      const addresses = this.ownAddresses()
      // the lookup does not need this page's record: both go out at once
      const rounds = [this.#attempt(async () => { await this.#lookup(signal) })]
      if (addresses.length > 0 && addresses.join(' ') !== this.#announced) {
        rounds.push(this.#attempt(async () => {
          await this.#announce(signal)
          this.#announced = addresses.join(' ')
          this.timeline.announcedAt ??= performance.now()
          this.safeDispatchEvent('announced', { detail: { addresses } })
        }))
      }
      await Promise.all(rounds)
      await this.#sleep(this.#pollMs)
    }
  }

  async #attempt (fn: () => Promise<void>): Promise<void> {
    try {
      await fn()
    } catch (err: any) {
      if (!this.#stop.signal.aborted) { this.safeDispatchEvent('error', { detail: err }) }
    }
  }

  async #announce (signal: AbortSignal): Promise<void> {
    const deadline = withTimeout(PROVIDE_TIMEOUT_MS, 'announcing in the room (PROVIDE_TIMEOUT_MS)', signal)
    try {
      let stored = 0
      for await (const event of this.#node.services.dht.provide(this.key, { signal: deadline.signal })) {
        if (event.name === 'PEER_RESPONSE') { stored++ }
      }
      if (stored === 0) { throw new NotFoundError('no DHT server took the room announcement') }
    } finally {
      deadline.done()
    }
  }

  async #lookup (signal: AbortSignal): Promise<void> {
    const deadline = withTimeout(FIND_PROVIDERS_TIMEOUT_MS, 'looking up the room (FIND_PROVIDERS_TIMEOUT_MS)', signal)
    try {
      for await (const event of this.#node.services.dht.findProviders(this.key, { signal: deadline.signal })) {
        if (event.name === 'PEER_RESPONSE') { this.timeline.lookedUpAt ??= performance.now() }
        if (event.name !== 'PROVIDER') { continue }
        for (const provider of event.providers) {
          if (provider.id.equals(this.#node.peerId)) { continue }
          this.safeDispatchEvent('provider', { detail: { id: provider.id, multiaddrs: provider.multiaddrs.filter(isDirectAddress) } })
        }
      }
    } finally {
      deadline.done()
    }
  }

  /** waits `ms`, or less when the page's addresses change (a new reservation to announce), on lookupSoon() or on stop */
  async #sleep (ms: number): Promise<void> {
    if (this.#again) {
      this.#again = false
      return
    }
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, ms)
      this.#wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.#wake = undefined
    this.#again = false
  }
}
