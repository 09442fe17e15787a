import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { InvalidMessageError, InvalidParametersError, MessageTooLargeError, NotFoundError, isPeerId } from '@libp2p/interface'
import { peerIdFromMultihash } from '@libp2p/peer-id'
import { openPeerRecord } from '@libp2p/peer-record'
import { isMultiaddr } from '@multiformats/multiaddr'
import { Key } from 'interface-datastore'
import { base32 } from 'multiformats/bases/base32'
import { decode } from 'multiformats/hashes/digest'
import {
  DEFAULT_ADDRESS_TTL_MS, DEFAULT_CACHE_SIZE, DEFAULT_MAX_ADDRESSES_PER_PEER, DEFAULT_MAX_METADATA_PER_PEER,
  DEFAULT_MAX_METADATA_VALUE_BYTES, DEFAULT_MAX_PROTOCOLS_PER_PEER, DEFAULT_MAX_TAGS_PER_PEER, MAX_PEER_RECORD_BYTES, PEER_KEY_PREFIX
} from './constants.js'
import { applyPeerData, decodePeer, emptyPeer, encodePeer, toPeer } from './record.js'
import type { PeerStoreLimits, StoredPeer } from './record.js'
import type {
  AbortOptions, Await, ComponentLogger, ConsumePeerRecordOptions, Libp2pEvents, Logger, Peer, PeerData, PeerId, PeerInfo, PeerQuery,
  PeerStore, TypedEventTarget
} from '@libp2p/interface'
import type { OpenedPeerRecord, PeerRecord } from '@libp2p/peer-record'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'

export interface PeerStoreComponents {
  peerId: PeerId
  datastore: Datastore
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface PeerStoreInit extends Partial<PeerStoreLimits> {
  /** decoded records cached in memory */
  cacheSize?: number
  /** the clock for address and tag expiry, ms since the epoch (default Date.now); for tests */
  now?(): number
  /**
   * asked for each address about to be stored for a peer (by save, patch, merge and
   * consumePeerRecord): false leaves it out. js-libp2p's option; libp2p passes the connection
   * gater's filterMultiaddrForPeer.
   */
  addressFilter?(peerId: PeerId, multiaddr: Multiaddr): Await<boolean>
}

/**
 * Peers persisted through a datastore under /peers/<base32 multihash>, with a bounded cache of
 * decoded records, per-peer caps on every list, address and tag expiry, and writes to one peer
 * serialised so concurrent merges never lose an update.
 */
export class PersistentPeerStore implements PeerStore {
  readonly #components: PeerStoreComponents
  readonly #limits: PeerStoreLimits
  readonly #cache = new Map<string, StoredPeer>()
  readonly #cacheSize: number
  readonly #locks = new Map<string, Promise<unknown>>()
  readonly #log: Logger
  readonly #now: () => number
  readonly #addressFilter?: (peerId: PeerId, multiaddr: Multiaddr) => Await<boolean>

  constructor (components: PeerStoreComponents, init: PeerStoreInit = {}) {
    this.#components = components
    this.#limits = {
      maxAddressesPerPeer: init.maxAddressesPerPeer ?? DEFAULT_MAX_ADDRESSES_PER_PEER,
      maxProtocolsPerPeer: init.maxProtocolsPerPeer ?? DEFAULT_MAX_PROTOCOLS_PER_PEER,
      maxMetadataPerPeer: init.maxMetadataPerPeer ?? DEFAULT_MAX_METADATA_PER_PEER,
      maxMetadataValueBytes: init.maxMetadataValueBytes ?? DEFAULT_MAX_METADATA_VALUE_BYTES,
      maxTagsPerPeer: init.maxTagsPerPeer ?? DEFAULT_MAX_TAGS_PER_PEER,
      addressTtlMs: init.addressTtlMs ?? DEFAULT_ADDRESS_TTL_MS
    }
    this.#cacheSize = init.cacheSize ?? DEFAULT_CACHE_SIZE
    for (const [option, value] of Object.entries({ ...this.#limits, cacheSize: this.#cacheSize })) {
      if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
        throw new InvalidParametersError(`${option} must be a number >= 0, got ${String(value)}`)
      }
    }
    this.#now = init.now ?? Date.now
    this.#addressFilter = init.addressFilter
    this.#log = components.logger.forComponent('libp2p:peer-store')
  }

  /** every other peer: the node's own record is left out */
  async all (query: PeerQuery = {}): Promise<Peer[]> {
    const out: Peer[] = []
    if (query.limit != null && query.limit <= 0) { return out }
    for await (const { key, value } of this.#components.datastore.query({ prefix: PEER_KEY_PREFIX }, { signal: query.signal })) {
      const id = this.#idFromKey(key)
      if (id == null || id.equals(this.#components.peerId)) { continue }
      let stored: StoredPeer
      try {
        stored = this.#cache.get(id.toString()) ?? this.#decode(value)
      } catch (err) {
        this.#log.error('skipping unreadable record %s - %e', key.toString(), err)
        continue
      }
      const peer = toPeer(id, stored, this.#now())
      if (query.filters?.every(f => f(peer)) === false) { continue }
      out.push(peer)
      if (query.limit != null && out.length >= query.limit) { break }
    }
    return out
  }

  async has (peerId: PeerId, options?: AbortOptions): Promise<boolean> {
    return this.#cache.has(peerId.toString()) || await this.#components.datastore.has(this.#key(peerId), options)
  }

  async get (peerId: PeerId, options?: AbortOptions): Promise<Peer> {
    // reads that may fill the cache run in the peer's queue too: a read answered after a write
    // or delete of the same peer would otherwise cache what it read before (a lost update)
    const stored = await this.#locked(peerId, async () => this.#load(peerId, options))
    if (stored == null) { throw new NotFoundError(`${peerId.toString()} is not in the peer store`) }
    return toPeer(peerId, stored, this.#now())
  }

  async getInfo (peerId: PeerId, options?: AbortOptions): Promise<PeerInfo> {
    const peer = await this.get(peerId, options)
    return { id: peer.id, multiaddrs: peer.addresses.map(a => a.multiaddr) }
  }

  async save (peerId: PeerId, data: PeerData, options?: AbortOptions): Promise<Peer> {
    return this.#update(peerId, data, 'replace', options)
  }

  async patch (peerId: PeerId, data: PeerData, options?: AbortOptions): Promise<Peer> {
    return this.#update(peerId, data, 'patch', options)
  }

  async merge (peerId: PeerId, data: PeerData, options?: AbortOptions): Promise<Peer> {
    return this.#update(peerId, data, 'merge', options)
  }

  async delete (peerId: PeerId, options?: AbortOptions): Promise<void> {
    if (peerId.equals(this.#components.peerId)) { throw new InvalidParametersError('the node cannot delete itself from its peer store') }
    await this.#locked(peerId, async () => {
      this.#cache.delete(peerId.toString())
      await this.#components.datastore.delete(this.#key(peerId), options)
    })
  }

  async consumePeerRecord (buf: Uint8Array, options?: ConsumePeerRecordOptions): Promise<boolean>
  async consumePeerRecord (buf: Uint8Array, expectedPeer?: PeerId, options?: AbortOptions): Promise<boolean>
  async consumePeerRecord (buf: Uint8Array, peerOrOptions?: PeerId | ConsumePeerRecordOptions, abortOptions?: AbortOptions): Promise<boolean> {
    const expectedPeer = isPeerId(peerOrOptions) ? peerOrOptions : peerOrOptions?.expectedPeer
    const options = isPeerId(peerOrOptions) ? abortOptions : peerOrOptions
    let opened: OpenedPeerRecord
    try {
      // checks the signature for the peer record domain, the payload type, and that the record
      // names the peer whose key signed it
      opened = await openPeerRecord(buf, options)
    } catch (err: any) {
      if (err?.name === 'AbortError') { throw err }
      this.#log('rejected peer record - %e', err)
      return false
    }
    const { envelope, record } = opened
    if (expectedPeer != null && !expectedPeer.equals(record.peerId)) {
      this.#log('rejected peer record of %p: expected %p', record.peerId, expectedPeer)
      return false
    }
    const peerId = record.peerId
    const multiaddrs = await this.#keep(peerId, record.multiaddrs)
    return this.#locked(peerId, async () => {
      const existing = await this.#loadForWrite(peerId, options)
      if (existing?.peerRecordEnvelope != null) {
        const stored = await this.#openStoredRecord(existing.peerRecordEnvelope, options)
        if (stored != null && stored.seqNumber >= record.seqNumber) {
          this.#log('rejected peer record of %p: seq %d is not newer than %d', peerId, record.seqNumber, stored.seqNumber)
          return false
        }
      }
      const next = applyPeerData(existing ?? emptyPeer(), {
        addresses: multiaddrs.map(multiaddr => ({ multiaddr, isCertified: true })),
        peerRecordEnvelope: envelope.marshal(),
        publicKey: envelope.publicKey
      }, 'patch', this.#limits, this.#now())
      try {
        await this.#store(peerId, next, existing, options)
      } catch (err: any) {
        if (err?.name !== MessageTooLargeError.name) { throw err }
        this.#log('rejected peer record - %e', err)
        return false
      }
      return true
    })
  }

  /** the stored envelope's record, or undefined when it does not open (it then does not block a new one) */
  async #openStoredRecord (envelope: Uint8Array, options?: AbortOptions): Promise<PeerRecord | undefined> {
    try {
      return (await openPeerRecord(envelope, options)).record
    } catch (err: any) {
      if (err?.name === 'AbortError') { throw err }
      this.#log('ignoring a stored peer record that does not open - %e', err)
      return undefined
    }
  }

  async #update (peerId: PeerId, data: PeerData, mode: 'replace' | 'patch' | 'merge', options?: AbortOptions): Promise<Peer> {
    if (data?.publicKey != null && (typeof data.publicKey.toMultihash !== 'function' || !peerId.equals(data.publicKey.toMultihash().bytes))) {
      throw new InvalidParametersError(`the public key is not the key of ${peerId.toString()}`)
    }
    if (this.#addressFilter != null && data != null) {
      // what is not an array or a multiaddr is left for applyPeerData to refuse
      data = {
        ...data,
        addresses: Array.isArray(data.addresses) ? await this.#keep(peerId, data.addresses, a => a?.multiaddr) : data.addresses,
        multiaddrs: Array.isArray(data.multiaddrs) ? await this.#keep(peerId, data.multiaddrs, ma => ma) : data.multiaddrs
      }
    }
    return this.#locked(peerId, async () => {
      const existing = await this.#loadForWrite(peerId, options)
      const next = applyPeerData(existing ?? emptyPeer(), data, mode, this.#limits, this.#now(), (limit, dropped) => {
        this.#log('%p: %d protocols past %s (%d) left out', peerId, dropped, limit, this.#limits[limit])
      })
      if (next.publicKey == null && peerId.publicKey != null) {
        // remember keys embedded in the id so RSA/ECDSA-style lookups work the same
        next.publicKey = publicKeyToProtobuf(peerId.publicKey)
      }
      return this.#store(peerId, next, existing, options)
    })
  }

  /** the entries whose address the addressFilter keeps (all of them without a filter) */
  async #keep<T> (peerId: PeerId, entries: T[], addressOf: (entry: T) => unknown = (entry) => entry): Promise<T[]> {
    const filter = this.#addressFilter
    if (filter == null) { return entries }
    const kept: T[] = []
    for (const entry of entries) {
      const ma = addressOf(entry)
      if (!isMultiaddr(ma) || await filter(peerId, ma) === true) {
        kept.push(entry)
      } else {
        this.#log('%p: the address filter left out %a', peerId, ma)
      }
    }
    return kept
  }

  async #store (peerId: PeerId, next: StoredPeer, previous: StoredPeer | undefined, options?: AbortOptions): Promise<Peer> {
    const bytes = encodePeer(next)
    if (bytes.byteLength > MAX_PEER_RECORD_BYTES) {
      // never write what could not be read back
      throw new MessageTooLargeError(`the record of ${peerId.toString()} would be ${bytes.byteLength} bytes, more than MAX_PEER_RECORD_BYTES=${MAX_PEER_RECORD_BYTES}`)
    }
    await this.#components.datastore.put(this.#key(peerId), bytes, options)
    this.#remember(peerId, next)
    const now = this.#now()
    const peer = toPeer(peerId, next, now)
    if (!peerId.equals(this.#components.peerId)) {
      this.#components.events.safeDispatchEvent('peer:update', { detail: { peer, previous: previous == null ? undefined : toPeer(peerId, previous, now) } })
    }
    return peer
  }

  async #load (peerId: PeerId, options?: AbortOptions): Promise<StoredPeer | undefined> {
    const cached = this.#cache.get(peerId.toString())
    if (cached != null) { return cached }
    let bytes: Uint8Array
    try {
      bytes = await this.#components.datastore.get(this.#key(peerId), options)
    } catch (err: any) {
      if (err?.name === 'NotFoundError') { return undefined }
      throw err
    }
    const stored = this.#decode(bytes)
    this.#remember(peerId, stored)
    return stored
  }

  /** the stored peer a write builds on: an unreadable record is logged and replaced */
  async #loadForWrite (peerId: PeerId, options?: AbortOptions): Promise<StoredPeer | undefined> {
    try {
      return await this.#load(peerId, options)
    } catch (err: any) {
      if (err?.name !== InvalidMessageError.name && err?.name !== MessageTooLargeError.name) { throw err }
      this.#log.error('replacing the unreadable record of %p - %e', peerId, err)
      return undefined
    }
  }

  /**
   * @throws {MessageTooLargeError} for more than MAX_PEER_RECORD_BYTES
   * @throws {InvalidMessageError} for bytes that are not a stored peer
   */
  #decode (bytes: Uint8Array): StoredPeer {
    if (bytes.byteLength > MAX_PEER_RECORD_BYTES) {
      throw new MessageTooLargeError(`the stored peer record is ${bytes.byteLength} bytes, more than MAX_PEER_RECORD_BYTES=${MAX_PEER_RECORD_BYTES}`)
    }
    return decodePeer(bytes)
  }

  #remember (peerId: PeerId, stored: StoredPeer): void {
    const key = peerId.toString()
    this.#cache.delete(key)
    this.#cache.set(key, stored)
    if (this.#cache.size > this.#cacheSize) {
      const oldest = this.#cache.keys().next().value
      if (oldest != null) {
        this.#cache.delete(oldest)
      }
    }
  }

  async #locked<R> (peerId: PeerId, fn: () => Promise<R>): Promise<R> {
    const key = peerId.toString()
    const previous = this.#locks.get(key) ?? Promise.resolve()
    const run = previous.then(fn, fn)
    const tail = run.catch(() => {})
    this.#locks.set(key, tail)
    try {
      return await run
    } finally {
      if (this.#locks.get(key) === tail) { this.#locks.delete(key) }
    }
  }

  #key (peerId: PeerId): Key {
    return new Key(`${PEER_KEY_PREFIX}${base32.encode(peerId.toMultihash().bytes)}`)
  }

  #idFromKey (key: Key): PeerId | undefined {
    try {
      return peerIdFromMultihash(decode(base32.decode(key.toString().slice(PEER_KEY_PREFIX.length))))
    } catch {
      return undefined
    }
  }
}
