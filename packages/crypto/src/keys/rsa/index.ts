/**
 * RSA keys: public keys are DER SubjectPublicKeyInfo, private keys PKCS#1 DER; signatures are
 * RSASSA-PKCS1-v1_5 over SHA-256. Moduli outside RSA_MIN_BITS..RSA_MAX_BITS (2048..8192) are refused.
 */
import { InvalidParametersError, InvalidPrivateKeyError, InvalidPublicKeyError } from '@libp2p/interface'
import { RSA_DEFAULT_BITS, RSA_MAX_BITS, RSA_MIN_BITS } from '../../constants.js'
import { throwIfAborted } from '../../util/abort.js'
import { toBytes } from '../../util/bytes.js'
import { AbstractPrivateKey } from '../abstract-private-key.js'
import { AbstractPublicKey } from '../abstract-public-key.js'
import { encodeRSAPrivateKey, encodeRSAPublicKey, parseRSAPrivateKey, parseRSAPublicKey } from './der.js'
import * as impl from './impl.js'
import type { RSAPrivateParts, RSAPublicParts } from './der.js'
import type { AbortOptions, Await, RSAPrivateKey as RSAPrivateKeyInterface, RSAPublicKey as RSAPublicKeyInterface } from '@libp2p/interface'

class RSAPublicKey extends AbstractPublicKey<'RSA', 0x12> implements RSAPublicKeyInterface {
  readonly type = 'RSA'
  private readonly parts: RSAPublicParts
  private verifier?: (data: Uint8Array, sig: Uint8Array) => Await<boolean>

  constructor (spki: Uint8Array, parts: RSAPublicParts) {
    super(spki)
    this.parts = parts
  }

  verify (data: Uint8Array | Iterable<Uint8Array>, sig: Uint8Array, options?: AbortOptions): Await<boolean> {
    throwIfAborted(options)

    // a PKCS#1 v1.5 signature is exactly as long as the modulus
    if (sig.byteLength !== this.parts.n.byteLength) {
      return false
    }

    this.verifier ??= impl.createVerifier(this.parts)

    return this.verifier(toBytes(data), sig)
  }
}

class RSAPrivateKey extends AbstractPrivateKey<'RSA', RSAPublicKey> implements RSAPrivateKeyInterface {
  readonly type = 'RSA'
  private readonly signer: (data: Uint8Array) => Await<Uint8Array>

  constructor (pkcs1: Uint8Array, parts: RSAPrivateParts) {
    super(pkcs1, new RSAPublicKey(encodeRSAPublicKey(parts), { n: parts.n, e: parts.e }))

    try {
      this.signer = impl.createSigner(parts)
    } catch (err: any) {
      throw new InvalidPrivateKeyError(`Unusable RSA private key: ${String(err?.message ?? err)}`)
    }
  }

  sign (data: Uint8Array | Iterable<Uint8Array>, options?: AbortOptions): Await<Uint8Array> {
    throwIfAborted(options)

    return this.signer(toBytes(data))
  }
}

/** An RSA public key from its DER SubjectPublicKeyInfo */
export function rsaPublicKeyFromDER (spki: Uint8Array): RSAPublicKeyInterface {
  // a copy: the key keeps views into it, and the caller may reuse its buffer
  const der = new Uint8Array(spki)
  let parts: RSAPublicParts

  try {
    parts = parseRSAPublicKey(der)
  } catch (err: any) {
    throw new InvalidPublicKeyError(`Invalid RSA public key: ${String(err?.message ?? err)}`)
  }

  return new RSAPublicKey(der, parts)
}

/** An RSA private key from its PKCS#1 DER RSAPrivateKey */
export function rsaPrivateKeyFromDER (pkcs1: Uint8Array): RSAPrivateKeyInterface {
  // a copy: the key keeps views into it, and the caller may reuse its buffer
  const der = new Uint8Array(pkcs1)
  let parts: RSAPrivateParts

  try {
    parts = parseRSAPrivateKey(der)
  } catch (err: any) {
    throw new InvalidPrivateKeyError(`Invalid RSA private key: ${String(err?.message ?? err)}`)
  }

  return new RSAPrivateKey(der, parts)
}

/** A new RSA key pair with a `bits`-bit modulus (default 2048, RSA_MIN_BITS..RSA_MAX_BITS) */
export async function generateRSAKeyPair (bits: number = RSA_DEFAULT_BITS): Promise<RSAPrivateKeyInterface> {
  if (!Number.isInteger(bits) || bits < RSA_MIN_BITS || bits > RSA_MAX_BITS || bits % 8 !== 0) {
    throw new InvalidParametersError(`RSA key size must be a multiple of 8 in ${RSA_MIN_BITS}..${RSA_MAX_BITS} bits, got ${bits}`)
  }

  const parts = await impl.generate(bits)

  return new RSAPrivateKey(encodeRSAPrivateKey(parts), parts)
}
