/**
 * secp256k1 keys. Signatures are ECDSA over sha256(data), DER-encoded, low-S, RFC 6979
 * deterministic (as go-libp2p's btcec and js-libp2p produce); verification also accepts high-S.
 * The curve operations are impl.ts (`@noble/curves`, in Node and in browsers).
 */
import { InvalidPrivateKeyError, InvalidPublicKeyError } from '@libp2p/interface'
import { randomBytes } from '@noble/hashes/utils.js'
import { SECP256K1_COMPRESSED_PUBLIC_KEY_BYTES, SECP256K1_PRIVATE_KEY_BYTES, SECP256K1_UNCOMPRESSED_PUBLIC_KEY_BYTES } from '../../constants.js'
import { sha256 } from '../../hash/sha256.js'
import { throwIfAborted } from '../../util/abort.js'
import { AbstractPrivateKey } from '../abstract-private-key.js'
import { AbstractPublicKey } from '../abstract-public-key.js'
import * as impl from './impl.js'
import type { AbortOptions, Secp256k1PrivateKey as Secp256k1PrivateKeyInterface, Secp256k1PublicKey as Secp256k1PublicKeyInterface } from '@libp2p/interface'

class Secp256k1PublicKey extends AbstractPublicKey<'secp256k1', 0x0> implements Secp256k1PublicKeyInterface {
  readonly type = 'secp256k1'
  /** verification takes the uncompressed point, which noble decodes without a square root */
  private readonly uncompressed: Uint8Array

  constructor (point: impl.Secp256k1Point) {
    super(point.compressed)
    this.uncompressed = point.uncompressed
  }

  verify (data: Uint8Array | Iterable<Uint8Array>, sig: Uint8Array, options?: AbortOptions): boolean {
    throwIfAborted(options)

    return impl.verifyHash(sig, sha256(data), this.uncompressed)
  }
}

class Secp256k1PrivateKey extends AbstractPrivateKey<'secp256k1', Secp256k1PublicKey> implements Secp256k1PrivateKeyInterface {
  readonly type = 'secp256k1'

  sign (data: Uint8Array | Iterable<Uint8Array>, options?: AbortOptions): Uint8Array {
    throwIfAborted(options)

    return impl.signHash(sha256(data), this.raw)
  }
}

/** A secp256k1 public key from its 33-byte compressed (or 65-byte uncompressed) point; `raw` is always compressed */
export function secp256k1PublicKeyFromRaw (raw: Uint8Array): Secp256k1PublicKeyInterface {
  if (raw.byteLength !== SECP256K1_COMPRESSED_PUBLIC_KEY_BYTES && raw.byteLength !== SECP256K1_UNCOMPRESSED_PUBLIC_KEY_BYTES) {
    throw new InvalidPublicKeyError(`secp256k1 public key must be ${SECP256K1_COMPRESSED_PUBLIC_KEY_BYTES} or ${SECP256K1_UNCOMPRESSED_PUBLIC_KEY_BYTES} bytes, got ${raw.byteLength}`)
  }

  let point: impl.Secp256k1Point

  try {
    point = impl.decodePoint(raw)
  } catch {
    throw new InvalidPublicKeyError('secp256k1 public key is not a point on the curve')
  }

  return new Secp256k1PublicKey(point)
}

/** A secp256k1 private key from its 32-byte scalar (1 <= k < n) */
export function secp256k1PrivateKeyFromRaw (raw: Uint8Array): Secp256k1PrivateKeyInterface {
  if (raw.byteLength !== SECP256K1_PRIVATE_KEY_BYTES) {
    throw new InvalidPrivateKeyError(`secp256k1 private key must be ${SECP256K1_PRIVATE_KEY_BYTES} bytes, got ${raw.byteLength}`)
  }

  if (!impl.isValidSecretKey(raw)) {
    throw new InvalidPrivateKeyError('secp256k1 private key is out of range')
  }

  const key = new Uint8Array(raw)

  return new Secp256k1PrivateKey(key, new Secp256k1PublicKey(impl.publicPoint(key)))
}

export function generateSecp256k1KeyPair (): Secp256k1PrivateKeyInterface {
  // 32 random bytes are a valid scalar but with probability ~2^-128
  while (true) {
    const d = randomBytes(SECP256K1_PRIVATE_KEY_BYTES)

    if (impl.isValidSecretKey(d)) {
      return secp256k1PrivateKeyFromRaw(d)
    }
  }
}
