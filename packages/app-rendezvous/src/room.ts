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
  readonly #node: AppNode
  readonly #pollMs: number
  readonly #stop = new AbortController()
  #announced = ''
  #wake?: () => void

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

  readonly #onSelfUpdate = (): void => { this.#wake?.() }

  async #run (): Promise<void> {
    const signal = this.#stop.signal
    while (!signal.aborted) {
      const addresses = this.ownAddresses()
      if (addresses.length > 0 && addresses.join(' ') !== this.#announced) {
        await this.#attempt(async () => {
          await this.#announce(signal)
          this.#announced = addresses.join(' ')
          this.safeDispatchEvent('announced', { detail: { addresses } })
        })
      }
      await this.#attempt(async () => { await this.#lookup(signal) })
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

  /** waits `ms`, or less when the page's addresses change (a new reservation to announce) or on stop */
  async #sleep (ms: number): Promise<void> {
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, ms)
      this.#wake = () => {
        clearTimeout(timer)
        resolve()
      }
    })
    this.#wake = undefined
  }
}
