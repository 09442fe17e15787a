/**
 * RSA key encodings: SubjectPublicKeyInfo (public keys, as in the key protobuf) and PKCS#1
 * RSAPrivateKey (private keys). Parsing checks the structure, the modulus size
 * (RSA_MIN_BITS..RSA_MAX_BITS) and that the private numbers belong together.
 */
import { InvalidMessageError } from '@libp2p/interface'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { RSA_MAX_BITS, RSA_MIN_BITS } from '../../constants.js'
import { decodeSequence, encodeBitString, encodeElement, encodeSequence, encodeUnsignedInteger, children, DER_NULL, readBitString, readNull, readSmallInteger, readUnsignedInteger, expectTag, TAG_OID, TAG_SEQUENCE } from '../../util/der.js'

/** 1.2.840.113549.1.1.1 rsaEncryption */
export const RSA_ENCRYPTION_OID = Uint8Array.from([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01])

/** The public exponent is at most this many bytes (WebCrypto and go refuse larger ones) */
const MAX_EXPONENT_BYTES = 4

/** Big-endian unsigned magnitudes, no leading zeros */
export interface RSAPublicParts {
  n: Uint8Array
  e: Uint8Array
}

export interface RSAPrivateParts extends RSAPublicParts {
  d: Uint8Array
  p: Uint8Array
  q: Uint8Array
  dp: Uint8Array
  dq: Uint8Array
  qi: Uint8Array
}

/** The size in bits of a big-endian magnitude without leading zeros */
export function bitLength (magnitude: Uint8Array): number {
  if (magnitude.byteLength === 0) {
    return 0
  }

  return (magnitude.byteLength - 1) * 8 + (32 - Math.clz32(magnitude[0]))
}

function checkPublicParts (n: Uint8Array, e: Uint8Array): void {
  const bits = bitLength(n)

  if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
    throw new InvalidMessageError(`RSA modulus of ${bits} bits is outside ${RSA_MIN_BITS}..${RSA_MAX_BITS}`)
  }

  if ((n[n.byteLength - 1] & 1) === 0) {
    throw new InvalidMessageError('RSA modulus is even')
  }

  if (e.byteLength > MAX_EXPONENT_BYTES || (e[e.byteLength - 1] & 1) === 0 || (e.byteLength === 1 && e[0] < 3)) {
    throw new InvalidMessageError('RSA public exponent must be odd, >= 3 and at most 32 bits')
  }
}

/** The modulus and exponent of a DER SubjectPublicKeyInfo holding an rsaEncryption key */
export function parseRSAPublicKey (spki: Uint8Array): RSAPublicParts {
  const [algorithm, key, ...rest] = decodeSequence(spki)
  const [oid, params, ...algorithmRest] = children(expectTag(algorithm, TAG_SEQUENCE))

  if (rest.length > 0 || algorithmRest.length > 0) {
    throw new InvalidMessageError('DER: unexpected elements in SubjectPublicKeyInfo')
  }

  if (!uint8ArrayEquals(expectTag(oid, TAG_OID).value, RSA_ENCRYPTION_OID)) {
    throw new InvalidMessageError('SubjectPublicKeyInfo is not an RSA key')
  }

  readNull(params)

  const [n, e, ...keyRest] = decodeSequence(readBitString(key))

  if (keyRest.length > 0) {
    throw new InvalidMessageError('DER: unexpected elements in RSAPublicKey')
  }

  const parts = { n: readUnsignedInteger(n), e: readUnsignedInteger(e) }
  checkPublicParts(parts.n, parts.e)

  return parts
}

export function encodeRSAPublicKey (parts: RSAPublicParts): Uint8Array {
  return encodeSequence(
    encodeSequence(encodeElement(TAG_OID, RSA_ENCRYPTION_OID), DER_NULL),
    encodeBitString(encodeSequence(encodeUnsignedInteger(parts.n), encodeUnsignedInteger(parts.e)))
  )
}

function toBigInt (magnitude: Uint8Array): bigint {
  return magnitude.byteLength === 0 ? 0n : BigInt(`0x${uint8ArrayToString(magnitude, 'base16')}`)
}

/** The numbers of a PKCS#1 RSAPrivateKey (two-prime, version 0), checked for consistency */
export function parseRSAPrivateKey (pkcs1: Uint8Array): RSAPrivateParts {
  const elements = decodeSequence(pkcs1)

  if (elements.length !== 9 || readSmallInteger(elements[0]) !== 0) {
    throw new InvalidMessageError('Not a two-prime PKCS#1 RSAPrivateKey')
  }

  const [n, e, d, p, q, dp, dq, qi] = elements.slice(1).map(readUnsignedInteger)
  checkPublicParts(n, e)

  const [N, E, D, P, Q, DP, DQ, QI] = [n, e, d, p, q, dp, dq, qi].map(toBigInt)

  if (P < 3n || Q < 3n || P * Q !== N || D % (P - 1n) !== DP || D % (Q - 1n) !== DQ ||
    (QI * Q) % P !== 1n || (E * DP) % (P - 1n) !== 1n || (E * DQ) % (Q - 1n) !== 1n) {
    throw new InvalidMessageError('PKCS#1 RSAPrivateKey numbers do not belong together')
  }

  return { n, e, d, p, q, dp, dq, qi }
}

export function encodeRSAPrivateKey (parts: RSAPrivateParts): Uint8Array {
  return encodeSequence(
    encodeUnsignedInteger(Uint8Array.of(0)),
    ...[parts.n, parts.e, parts.d, parts.p, parts.q, parts.dp, parts.dq, parts.qi].map(encodeUnsignedInteger)
  )
}
