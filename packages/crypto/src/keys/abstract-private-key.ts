import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import type { AbortOptions, Await, KeyType, PrivateKey, PublicKey } from '@libp2p/interface'

/** What every private key shares: equality by type and bytes */
export abstract class AbstractPrivateKey<T extends KeyType, P extends PublicKey> {
  abstract readonly type: T
  readonly raw: Uint8Array
  readonly publicKey: P

  constructor (raw: Uint8Array, publicKey: P) {
    this.raw = raw
    this.publicKey = publicKey
  }

  abstract sign (data: Uint8Array | Iterable<Uint8Array>, options?: AbortOptions): Await<Uint8Array>

  equals (other?: PrivateKey): boolean {
    return other != null && other.type === this.type && uint8ArrayEquals(other.raw, this.raw)
  }
}
