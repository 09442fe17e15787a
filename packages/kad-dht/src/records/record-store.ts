import { LimitExceededError } from '@libp2p/interface'
import { Key } from 'interface-datastore'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { RECORD_VALIDITY_MS } from '../constants.js'
import { KeyedLock } from './keyed-lock.js'
import { datastoreKeyPart } from './keys.js'
import { Lazy } from './lazy.js'
import { decodeRecord, encodeRecord } from './record.js'
import { bestRecord, verifyRecord } from './validation.js'
import type { DHTRecord, Selectors, Validators } from '../types.js'
import type { AbortOptions, ComponentLogger, Logger } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'

/** records kept (rust's MemoryStore max_records) */
export const MAX_RECORDS = 1024
/** bytes of one record's value (rust's max_value_bytes) */
export const MAX_RECORD_VALUE_BYTES = 65 * 1024
/** bytes of one record's key: real keys are ~40 bytes (/pk/ or /ipns/ and a multihash); this bounds the datastore key and the in-memory key set */
export const MAX_RECORD_KEY_BYTES = 1024

export interface RecordStoreInit {
  /** records stored at once (default 1024); a put of a new key past it is a LimitExceededError */
  maxRecords?: number
  /** bytes of one value (default 65 KiB) */
  maxValueBytes?: number
  /** bytes of one key (default 1 KiB) */
  maxKeyBytes?: number
  /** ms a record is served after it was received (default 36 h, go's MaxRecordAge) */
  maxRecordAge?: number
  /** datastore keys start with this (default '/dht'); records live under `<prefix>/record/` */
  datastorePrefix?: string
  /** ms since the epoch (default Date.now) */
  now?(): number
}

export interface RecordStoreComponents {
  datastore: Datastore
  logger: ComponentLogger
}

/**
 * The records this node holds for others (PUT_VALUE) and serves (GET_VALUE), in the datastore
 * so a restart keeps them. A record is validated on the way in and again on the way out (as go
 * does: an IPNS record may have expired since, or the validators may have changed); one that
 * fails, does not decode or is older than maxRecordAge is deleted when it is read.
 */
export class RecordStore {
  readonly #datastore: Datastore
  readonly #log: Logger
  readonly #validators: Validators
  readonly #selectors: Selectors
  readonly #maxRecords: number
  readonly #maxValueBytes: number
  readonly #maxKeyBytes: number
  readonly #maxRecordAge: number
  readonly #prefix: string
  readonly #now: () => number
  readonly #lock = new KeyedLock()
  /** the datastore keys of the stored records, read once from the datastore when first needed */
  readonly #keys = new Lazy(async (options) => {
    const keys = new Set<string>()
    for await (const key of this.#datastore.queryKeys({ prefix: `${this.#prefix}/` }, options)) { keys.add(key.toString()) }
    return keys
  })

  constructor (components: RecordStoreComponents, init: RecordStoreInit & { validators: Validators, selectors: Selectors }) {
    this.#datastore = components.datastore
    this.#log = components.logger.forComponent('libp2p:kad-dht:record-store')
    this.#validators = init.validators
    this.#selectors = init.selectors
    this.#maxRecords = init.maxRecords ?? MAX_RECORDS
    this.#maxValueBytes = init.maxValueBytes ?? MAX_RECORD_VALUE_BYTES
    this.#maxKeyBytes = init.maxKeyBytes ?? MAX_RECORD_KEY_BYTES
    this.#maxRecordAge = init.maxRecordAge ?? RECORD_VALIDITY_MS
    this.#prefix = `${init.datastorePrefix ?? '/dht'}/record`
    this.#now = init.now ?? Date.now
  }

  /** the stored record, or undefined (one that is expired or no longer valid is deleted) */
  async get (key: Uint8Array, options?: AbortOptions): Promise<DHTRecord | undefined> {
    if (key.length > this.#maxKeyBytes) { return undefined }
    const dsKey = this.#dsKey(key)
    return this.#lock.run(dsKey.toString(), async () => this.#read(key, dsKey, options))
  }

  /**
   * Validates the record, then keeps the better of it and the stored one (by the selector) with
   * timeReceived = now. Resolves true when the new value was stored, false when the stored one
   * was better. InvalidRecordError when it does not validate; LimitExceededError for an
   * oversize key or value, or a new key when maxRecords live records are stored.
   */
  async put (record: DHTRecord, options?: AbortOptions): Promise<boolean> {
    if (record.key.length > this.#maxKeyBytes) { throw new LimitExceededError('maxKeyBytes', this.#maxKeyBytes, 'DHT record key size') }
    if (record.value.length > this.#maxValueBytes) { throw new LimitExceededError('maxValueBytes', this.#maxValueBytes, 'DHT record value size') }
    await verifyRecord(this.#validators, record.key, record.value, options)

    const dsKey = this.#dsKey(record.key)
    const id = dsKey.toString()
    return this.#lock.run(id, async () => {
      const existing = await this.#read(record.key, dsKey, options)
      if (existing != null && await bestRecord(this.#selectors, record.key, [existing.value, record.value]) === 0 &&
        !uint8ArrayEquals(existing.value, record.value)) {
        return false
      }
      const keys = await this.#keys.get(options)
      if (!keys.has(id) && keys.size >= this.#maxRecords) {
        await this.#deleteExpired(options)
        if (keys.size >= this.#maxRecords) { throw new LimitExceededError('maxRecords', this.#maxRecords, 'DHT records stored') }
      }
      keys.add(id)
      await this.#datastore.put(dsKey, encodeRecord({ key: record.key, value: record.value, timeReceived: new Date(this.#now()) }), options)
      return true
    })
  }

  /** records stored (expired ones included until they are read or swept), for the metrics */
  async count (options?: AbortOptions): Promise<number> {
    return (await this.#keys.get(options)).size
  }

  async delete (key: Uint8Array, options?: AbortOptions): Promise<void> {
    if (key.length > this.#maxKeyBytes) { return }
    const dsKey = this.#dsKey(key)
    await this.#lock.run(dsKey.toString(), async () => { await this.#remove(dsKey, options) })
  }

  /** read under the key's lock: nothing else changes the entry between reading and deleting it */
  async #read (key: Uint8Array, dsKey: Key, options?: AbortOptions): Promise<DHTRecord | undefined> {
    let bytes: Uint8Array
    try {
      bytes = await this.#datastore.get(dsKey, options)
    } catch (err: any) {
      if (err?.name === 'NotFoundError') { return undefined }
      throw err
    }
    let record: DHTRecord
    try {
      record = decodeRecord(bytes)
      if (!uint8ArrayEquals(record.key, key)) { throw new TypeError('stored under another key') }
    } catch (err: any) {
      this.#log.error('deleting a stored record that does not decode - %e', err)
      await this.#remove(dsKey, options)
      return undefined
    }
    if (this.#isExpired(record)) {
      await this.#remove(dsKey, options)
      return undefined
    }
    try {
      await verifyRecord(this.#validators, key, record.value, options)
    } catch (err: any) {
      if (err?.name === 'AbortError') { throw err }
      this.#log('deleting a stored record that is no longer valid - %e', err)
      await this.#remove(dsKey, options)
      return undefined
    }
    return record
  }

  #isExpired (record: DHTRecord): boolean {
    // a record without a time (none written here lacks one) counts as expired
    return record.timeReceived == null || this.#now() - record.timeReceived.getTime() > this.#maxRecordAge
  }

  async #remove (dsKey: Key, options?: AbortOptions): Promise<void> {
    await this.#datastore.delete(dsKey, options)
    const keys = await this.#keys.get(options)
    keys.delete(dsKey.toString())
  }

  /** a full store first drops what has expired; the walk is bounded by what is stored */
  async #deleteExpired (options?: AbortOptions): Promise<void> {
    const expired: Key[] = []
    for await (const { key, value } of this.#datastore.query({ prefix: `${this.#prefix}/` }, options)) {
      try {
        if (this.#isExpired(decodeRecord(value))) { expired.push(key) }
      } catch {
        expired.push(key)
      }
    }
    for (const key of expired) { await this.#remove(key, options) }
  }

  #dsKey (key: Uint8Array): Key {
    return new Key(`${this.#prefix}/${datastoreKeyPart(key)}`)
  }
}
