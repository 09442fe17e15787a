import { InvalidParametersError, UnsupportedKeyTypeError } from '@libp2p/interface'
import { randomBytes } from '@noble/hashes/utils.js'
import { ED25519_SEED_BYTES } from '../constants.js'
import { generateECDSAKeyPair } from './ecdsa/index.js'
import { ed25519KeyPairFromSeedAsync } from './ed25519/index.js'
import { generateRSAKeyPair } from './rsa/index.js'
import { generateSecp256k1KeyPair } from './secp256k1/index.js'
import type { ECDSAPrivateKey, Ed25519PrivateKey, KeyType, PrivateKey, RSAPrivateKey, Secp256k1PrivateKey } from '@libp2p/interface'

/**
 * A new key pair. `bits` is the RSA modulus size (default 2048, 2048..8192) or the ECDSA curve
 * (256 = P-256, the default; 384; 521); Ed25519 and secp256k1 ignore it.
 */
export async function generateKeyPair (type: 'Ed25519'): Promise<Ed25519PrivateKey>
export async function generateKeyPair (type: 'secp256k1'): Promise<Secp256k1PrivateKey>
export async function generateKeyPair (type: 'RSA', bits?: number): Promise<RSAPrivateKey>
export async function generateKeyPair (type: 'ECDSA', bits?: number): Promise<ECDSAPrivateKey>
export async function generateKeyPair (type: KeyType, bits?: number): Promise<PrivateKey>
export async function generateKeyPair (type: KeyType, bits?: number): Promise<PrivateKey> {
  switch (type) {
    case 'Ed25519': return ed25519KeyPairFromSeedAsync(randomBytes(ED25519_SEED_BYTES))
    case 'secp256k1': return generateSecp256k1KeyPair()
    case 'RSA': return generateRSAKeyPair(bits)
    case 'ECDSA': return generateECDSAKeyPair(bits)
    default: throw new UnsupportedKeyTypeError(`Unsupported key type ${String(type)}`)
  }
}

/** The deterministic key pair of a seed; only Ed25519 (32-byte seed) is supported */
export async function generateKeyPairFromSeed (type: 'Ed25519', seed: Uint8Array): Promise<Ed25519PrivateKey>
export async function generateKeyPairFromSeed (type: KeyType, seed: Uint8Array): Promise<PrivateKey>
export async function generateKeyPairFromSeed (type: KeyType, seed: Uint8Array): Promise<PrivateKey> {
  if (type !== 'Ed25519') {
    throw new UnsupportedKeyTypeError(`Key pairs from a seed are only supported for Ed25519, not ${String(type)}`)
  }

  if (!(seed instanceof Uint8Array)) {
    throw new InvalidParametersError('The seed must be a Uint8Array')
  }

  if (seed.byteLength !== ED25519_SEED_BYTES) {
    throw new InvalidParametersError(`Ed25519 seed must be ${ED25519_SEED_BYTES} bytes, got ${seed.byteLength}`)
  }

  return ed25519KeyPairFromSeedAsync(seed)
}
