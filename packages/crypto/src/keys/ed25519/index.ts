import { InvalidParametersError, InvalidPrivateKeyError, InvalidPublicKeyError } from '@libp2p/interface'
import { randomBytes } from '@noble/hashes/utils.js'
import { concat } from 'uint8arrays/concat'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { ED25519_LEGACY_PRIVATE_KEY_BYTES, ED25519_PRIVATE_KEY_BYTES, ED25519_PUBLIC_KEY_BYTES, ED25519_SEED_BYTES } from '../../constants.js'
import { throwIfAborted } from '../../util/abort.js'
import { toBytes } from '../../util/bytes.js'
import { AbstractPrivateKey } from '../abstract-private-key.js'
import { AbstractPublicKey } from '../abstract-public-key.js'
import * as impl from './impl.js'
import type { AbortOptions, Await, Ed25519PrivateKey as Ed25519PrivateKeyInterface, Ed25519PublicKey as Ed25519PublicKeyInterface } from '@libp2p/interface'

class Ed25519PublicKey extends AbstractPublicKey<'Ed25519', 0x0> implements Ed25519PublicKeyInterface {
  readonly type = 'Ed25519'
  private readonly verifier: (data: Uint8Array, sig: Uint8Array) => Await<boolean>

  constructor (raw: Uint8Array) {
    super(raw)
    this.verifier = impl.createVerifier(raw)
  }

  verify (data: Uint8Array | Iterable<Uint8Array>, sig: Uint8Array, options?: AbortOptions): Await<boolean> {
    throwIfAborted(options)

    return this.verifier(toBytes(data), sig)
  }
}

class Ed25519PrivateKey extends AbstractPrivateKey<'Ed25519', Ed25519PublicKey> implements Ed25519PrivateKeyInterface {
  readonly type = 'Ed25519'
  private readonly signer: (data: Uint8Array) => Await<Uint8Array>

  constructor (seed: Uint8Array, publicKey: Uint8Array) {
    super(concat([seed, publicKey]), new Ed25519PublicKey(publicKey))
    this.signer = impl.createSigner(seed, publicKey)
  }

  sign (data: Uint8Array | Iterable<Uint8Array>, options?: AbortOptions): Await<Uint8Array> {
    throwIfAborted(options)

    return this.signer(toBytes(data))
  }
}

/** An Ed25519 public key from its 32 bytes */
export function ed25519PublicKeyFromRaw (raw: Uint8Array): Ed25519PublicKeyInterface {
  if (raw.byteLength !== ED25519_PUBLIC_KEY_BYTES) {
    throw new InvalidPublicKeyError(`Ed25519 public key must be ${ED25519_PUBLIC_KEY_BYTES} bytes, got ${raw.byteLength}`)
  }

  return new Ed25519PublicKey(new Uint8Array(raw))
}

/**
 * An Ed25519 private key from seed || public key (64 bytes), the legacy seed || public || public
 * (96 bytes) or a bare 32-byte seed. The public key given must be the seed's.
 */
export function ed25519PrivateKeyFromRaw (raw: Uint8Array): Ed25519PrivateKeyInterface {
  if (raw.byteLength === ED25519_SEED_BYTES) {
    return fromSeed(raw)
  }

  if (raw.byteLength !== ED25519_PRIVATE_KEY_BYTES && raw.byteLength !== ED25519_LEGACY_PRIVATE_KEY_BYTES) {
    throw new InvalidPrivateKeyError(`Ed25519 private key must be ${ED25519_SEED_BYTES}, ${ED25519_PRIVATE_KEY_BYTES} or ${ED25519_LEGACY_PRIVATE_KEY_BYTES} bytes, got ${raw.byteLength}`)
  }

  const seed = raw.subarray(0, ED25519_SEED_BYTES)
  const claimed = raw.subarray(ED25519_SEED_BYTES, ED25519_PRIVATE_KEY_BYTES)

  if (raw.byteLength === ED25519_LEGACY_PRIVATE_KEY_BYTES && !uint8ArrayEquals(claimed, raw.subarray(ED25519_PRIVATE_KEY_BYTES))) {
    throw new InvalidPrivateKeyError('Legacy Ed25519 private key holds two different public keys')
  }

  const key = fromSeed(seed)

  if (!uint8ArrayEquals(key.publicKey.raw, claimed)) {
    throw new InvalidPrivateKeyError('Ed25519 private key holds a public key that is not its own')
  }

  return key
}

/** The Ed25519 key pair of a 32-byte seed (deterministic) */
export function generateEd25519KeyPairFromSeed (seed: Uint8Array): Ed25519PrivateKeyInterface {
  if (seed.byteLength !== ED25519_SEED_BYTES) {
    throw new InvalidParametersError(`Ed25519 seed must be ${ED25519_SEED_BYTES} bytes, got ${seed.byteLength}`)
  }

  return fromSeed(seed)
}

export function generateEd25519KeyPair (): Ed25519PrivateKeyInterface {
  return fromSeed(randomBytes(ED25519_SEED_BYTES))
}

/**
 * The key pair of a 32-byte seed (the caller checks its length) with the public key derived the
 * platform's fastest way: generateKeyPair() and generateKeyPairFromSeed() use this, so in browsers
 * they derive it with WebCrypto (native) where it has Ed25519
 */
export async function ed25519KeyPairFromSeedAsync (seed: Uint8Array): Promise<Ed25519PrivateKeyInterface> {
  const copy = new Uint8Array(seed)

  return new Ed25519PrivateKey(copy, await impl.publicKeyFromSeedAsync(copy))
}

function fromSeed (seed: Uint8Array): Ed25519PrivateKey {
  const copy = new Uint8Array(seed)

  return new Ed25519PrivateKey(copy, impl.publicKeyFromSeed(copy))
}
