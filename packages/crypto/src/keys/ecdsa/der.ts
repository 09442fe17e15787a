/**
 * ECDSA key and signature encodings: public keys are DER SubjectPublicKeyInfo with a named curve
 * and an uncompressed point; private keys are SEC1 ECPrivateKey DER (RFC 5915, what go-libp2p's
 * x509.MarshalECPrivateKey writes and the peer-ids spec vector holds); signatures are DER
 * SEQUENCE { r, s }.
 *
 * js-libp2p (@libp2p/crypto 5.x, js-libp2p 3.x) writes public keys in a shape of its own, an
 * ECPrivateKey without the private key: SEQUENCE { INTEGER 1, [0] { curve OID }, [1] { BIT STRING
 * point } }, and signs with WebCrypto's r || s. Both decode here; only the spec's forms are written.
 */
import { InvalidMessageError } from '@libp2p/interface'
import { concat } from 'uint8arrays/concat'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { children, decodeSequence, encodeBitString, encodeElement, encodeSequence, encodeUnsignedInteger, expectTag, readBitString, readSmallInteger, readUnsignedInteger, TAG_CONTEXT_0, TAG_CONTEXT_1, TAG_INTEGER, TAG_OCTET_STRING, TAG_OID, TAG_SEQUENCE } from '../../util/der.js'
import { CURVES, EC_PUBLIC_KEY_OID } from './curves.js'
import type { CurveInfo } from './curves.js'
import type { DerNode } from '../../util/der.js'

export interface ECDSAPublicParts {
  curve: CurveInfo
  /** uncompressed SEC1 point: 0x04 || x || y */
  point: Uint8Array
}

export interface ECDSAPrivateParts {
  curve: CurveInfo
  /** the private scalar, left-padded to the curve's field size */
  d: Uint8Array
  /** the public point when the encoding carries it */
  point?: Uint8Array
}

function curveFromOid (node: DerNode | undefined): CurveInfo {
  const oid = expectTag(node, TAG_OID).value
  const curve = Object.values(CURVES).find(c => uint8ArrayEquals(c.oid, oid))

  if (curve == null) {
    throw new InvalidMessageError('Unsupported ECDSA curve (P-256, P-384 and P-521 are supported)')
  }

  return curve
}

function checkPoint (curve: CurveInfo, point: Uint8Array): Uint8Array {
  if (point.byteLength !== 1 + 2 * curve.fieldBytes || point[0] !== 0x04) {
    throw new InvalidMessageError(`ECDSA ${curve.name} public key must be an uncompressed point`)
  }

  return point
}

/** true when a SubjectPublicKeyInfo names ecPublicKey (used to tell ECDSA from RSA) */
export function isECDSAPublicKey (algorithmOid: Uint8Array): boolean {
  return uint8ArrayEquals(algorithmOid, EC_PUBLIC_KEY_OID)
}

/**
 * A public key in either encoding: SubjectPublicKeyInfo (the spec's, go-libp2p's, rust-libp2p's)
 * or js-libp2p's ECPrivateKey-shaped one, told apart by the first element (SEQUENCE or INTEGER)
 */
export function parseECDSAPublicKey (der: Uint8Array): ECDSAPublicParts {
  const elements = decodeSequence(der)

  return elements[0]?.tag === TAG_INTEGER ? parseJsLibp2pPublicKey(elements) : parseSubjectPublicKeyInfo(elements)
}

/** true when the elements of a DER SEQUENCE start as js-libp2p's ECDSA public key does (used to tell it from RSA) */
export function isJsLibp2pECDSAPublicKey (elements: DerNode[]): boolean {
  return elements[0]?.tag === TAG_INTEGER && elements[1]?.tag === TAG_CONTEXT_0
}

function parseSubjectPublicKeyInfo ([algorithm, key, ...rest]: DerNode[]): ECDSAPublicParts {
  const [oid, params, ...algorithmRest] = children(expectTag(algorithm, TAG_SEQUENCE))

  if (rest.length > 0 || algorithmRest.length > 0) {
    throw new InvalidMessageError('DER: unexpected elements in SubjectPublicKeyInfo')
  }

  if (!isECDSAPublicKey(expectTag(oid, TAG_OID).value)) {
    throw new InvalidMessageError('SubjectPublicKeyInfo is not an EC key')
  }

  const curve = curveFromOid(params)

  return { curve, point: checkPoint(curve, readBitString(key)) }
}

/** SEQUENCE { INTEGER 1, [0] EXPLICIT OID, [1] EXPLICIT BIT STRING }, all three required, nothing more */
function parseJsLibp2pPublicKey ([version, params, key, ...rest]: DerNode[]): ECDSAPublicParts {
  if (readSmallInteger(version) !== 1) {
    throw new InvalidMessageError('js-libp2p ECDSA public key version must be 1')
  }

  const [oid, ...oidRest] = children(expectTag(params, TAG_CONTEXT_0))
  const [bits, ...bitsRest] = children(expectTag(key, TAG_CONTEXT_1))

  if (rest.length > 0 || oidRest.length > 0 || bitsRest.length > 0) {
    throw new InvalidMessageError('DER: unexpected elements in js-libp2p ECDSA public key')
  }

  const curve = curveFromOid(oid)

  return { curve, point: checkPoint(curve, readBitString(bits)) }
}

export function encodeECDSAPublicKey (parts: ECDSAPublicParts): Uint8Array {
  return encodeSequence(
    encodeSequence(encodeElement(TAG_OID, EC_PUBLIC_KEY_OID), encodeElement(TAG_OID, parts.curve.oid)),
    encodeBitString(parts.point)
  )
}

export function parseECDSAPrivateKey (sec1: Uint8Array): ECDSAPrivateParts {
  const [version, key, ...optional] = decodeSequence(sec1)

  if (readSmallInteger(version) !== 1) {
    throw new InvalidMessageError('ECPrivateKey version must be 1')
  }

  const d = expectTag(key, TAG_OCTET_STRING).value
  let curve: CurveInfo | undefined
  let point: Uint8Array | undefined

  for (const [index, node] of optional.entries()) {
    if (node.tag === TAG_CONTEXT_0 && index === 0) {
      const [oid, ...extra] = children(node)
      if (extra.length > 0) {
        throw new InvalidMessageError('DER: unexpected elements in ECPrivateKey parameters')
      }
      curve = curveFromOid(oid)
    } else if (node.tag === TAG_CONTEXT_1 && index === optional.length - 1 && curve != null) {
      const [bits, ...extra] = children(node)
      if (extra.length > 0) {
        throw new InvalidMessageError('DER: unexpected elements in ECPrivateKey public key')
      }
      point = checkPoint(curve, readBitString(bits))
    } else {
      throw new InvalidMessageError('DER: unexpected element in ECPrivateKey')
    }
  }

  if (curve == null) {
    throw new InvalidMessageError('ECPrivateKey does not name its curve')
  }

  if (d.byteLength === 0 || d.byteLength > curve.fieldBytes) {
    throw new InvalidMessageError(`ECDSA ${curve.name} private scalar must be 1..${curve.fieldBytes} bytes`)
  }

  const padded = new Uint8Array(curve.fieldBytes)
  padded.set(d, curve.fieldBytes - d.byteLength)

  return { curve, d: padded, point }
}

export function encodeECDSAPrivateKey (parts: Required<ECDSAPrivateParts>): Uint8Array {
  return encodeSequence(
    encodeUnsignedInteger(Uint8Array.of(1)),
    encodeElement(TAG_OCTET_STRING, parts.d),
    encodeElement(TAG_CONTEXT_0, encodeElement(TAG_OID, parts.curve.oid)),
    encodeElement(TAG_CONTEXT_1, encodeBitString(parts.point))
  )
}

/** DER SEQUENCE { r, s } to r || s with each half `fieldBytes` long (WebCrypto's form); undefined when malformed */
export function signatureFromDER (sig: Uint8Array, fieldBytes: number): Uint8Array | undefined {
  try {
    const [r, s, ...rest] = decodeSequence(sig).map(readUnsignedInteger)

    if (rest.length > 0 || r == null || s == null || r.byteLength > fieldBytes || s.byteLength > fieldBytes) {
      return undefined
    }

    const out = new Uint8Array(2 * fieldBytes)
    out.set(r, fieldBytes - r.byteLength)
    out.set(s, 2 * fieldBytes - s.byteLength)

    return out
  } catch {
    return undefined
  }
}

/** r || s to DER SEQUENCE { r, s } */
export function signatureToDER (sig: Uint8Array): Uint8Array {
  const half = sig.byteLength / 2

  return encodeSequence(encodeUnsignedInteger(sig.subarray(0, half)), encodeUnsignedInteger(sig.subarray(half)))
}

/** x and y of an uncompressed point */
export function pointCoordinates (curve: CurveInfo, point: Uint8Array): { x: Uint8Array, y: Uint8Array } {
  return { x: point.subarray(1, 1 + curve.fieldBytes), y: point.subarray(1 + curve.fieldBytes) }
}

export function pointFromCoordinates (x: Uint8Array, y: Uint8Array): Uint8Array {
  return concat([Uint8Array.of(0x04), x, y])
}
