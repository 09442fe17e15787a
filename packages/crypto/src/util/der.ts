/**
 * A strict, minimal ASN.1 DER reader and writer: enough for SubjectPublicKeyInfo, PKCS#1,
 * PKCS#8, SEC1 and ECDSA signatures. Definite, minimally encoded lengths only, single-byte tags
 * only, no trailing bytes. The reader only ever descends into structures the caller names, so
 * there is no recursion an input could deepen. Every failure is an InvalidMessageError.
 */
import { InvalidMessageError } from '@libp2p/interface'
import { concat } from 'uint8arrays/concat'

export const TAG_INTEGER = 0x02
export const TAG_BIT_STRING = 0x03
export const TAG_OCTET_STRING = 0x04
export const TAG_NULL = 0x05
export const TAG_OID = 0x06
export const TAG_SEQUENCE = 0x30
/** [0] EXPLICIT, constructed */
export const TAG_CONTEXT_0 = 0xa0
/** [1] EXPLICIT, constructed */
export const TAG_CONTEXT_1 = 0xa1

/** Lengths above this are refused: no key structure comes near it */
const MAX_LENGTH_BYTES = 3

export interface DerNode {
  tag: number
  /** the contents octets (a view into the input) */
  value: Uint8Array
}

function readNode (buf: Uint8Array, offset: number): { node: DerNode, end: number } {
  if (offset + 2 > buf.byteLength) {
    throw new InvalidMessageError('DER: truncated header')
  }

  const tag = buf[offset]

  if ((tag & 0x1f) === 0x1f) {
    throw new InvalidMessageError('DER: multi-byte tags are not supported')
  }

  let length = buf[offset + 1]
  let start = offset + 2

  if (length >= 0x80) {
    const count = length & 0x7f

    if (count === 0 || count > MAX_LENGTH_BYTES) {
      throw new InvalidMessageError('DER: indefinite or oversized length')
    }

    if (start + count > buf.byteLength) {
      throw new InvalidMessageError('DER: truncated length')
    }

    if (buf[start] === 0) {
      throw new InvalidMessageError('DER: non-minimal length')
    }

    length = 0
    for (let i = 0; i < count; i++) {
      length = length * 256 + buf[start + i]
    }
    start += count

    if (length < 0x80) {
      throw new InvalidMessageError('DER: non-minimal length')
    }
  }

  const end = start + length

  if (end > buf.byteLength) {
    throw new InvalidMessageError('DER: truncated value')
  }

  return { node: { tag, value: buf.subarray(start, end) }, end }
}

/** Decodes `buf` as exactly one element with the given tag */
export function decodeElement (buf: Uint8Array, tag: number): DerNode {
  const { node, end } = readNode(buf, 0)

  if (end !== buf.byteLength) {
    throw new InvalidMessageError('DER: trailing bytes')
  }

  return expectTag(node, tag)
}

/** The elements inside a constructed value */
export function children (node: DerNode): DerNode[] {
  const out: DerNode[] = []
  let offset = 0

  while (offset < node.value.byteLength) {
    const next = readNode(node.value, offset)
    out.push(next.node)
    offset = next.end
  }

  return out
}

/** Decodes `buf` as one SEQUENCE and returns its elements */
export function decodeSequence (buf: Uint8Array): DerNode[] {
  return children(decodeElement(buf, TAG_SEQUENCE))
}

export function expectTag (node: DerNode | undefined, tag: number): DerNode {
  if (node?.tag !== tag) {
    throw new InvalidMessageError(`DER: expected tag 0x${tag.toString(16)}`)
  }

  return node
}

/** The magnitude of a non-negative, minimally encoded INTEGER, without a sign byte */
export function readUnsignedInteger (node: DerNode | undefined): Uint8Array {
  const value = expectTag(node, TAG_INTEGER).value

  if (value.byteLength === 0) {
    throw new InvalidMessageError('DER: empty INTEGER')
  }

  if ((value[0] & 0x80) !== 0) {
    throw new InvalidMessageError('DER: negative INTEGER')
  }

  if (value.byteLength > 1 && value[0] === 0) {
    if ((value[1] & 0x80) === 0) {
      throw new InvalidMessageError('DER: non-minimal INTEGER')
    }

    return value.subarray(1)
  }

  return value
}

/** A small non-negative INTEGER such as a version field */
export function readSmallInteger (node: DerNode | undefined): number {
  const value = readUnsignedInteger(node)

  if (value.byteLength > 1) {
    throw new InvalidMessageError('DER: INTEGER too large')
  }

  return value[0]
}

/** The bytes of a BIT STRING with no unused bits */
export function readBitString (node: DerNode | undefined): Uint8Array {
  const value = expectTag(node, TAG_BIT_STRING).value

  if (value.byteLength === 0 || value[0] !== 0) {
    throw new InvalidMessageError('DER: BIT STRING with unused bits')
  }

  return value.subarray(1)
}

export function readNull (node: DerNode | undefined): void {
  if (expectTag(node, TAG_NULL).value.byteLength !== 0) {
    throw new InvalidMessageError('DER: NULL with contents')
  }
}

function encodeLength (length: number): Uint8Array {
  if (length < 0x80) {
    return Uint8Array.of(length)
  }

  const bytes: number[] = []
  for (let n = length; n > 0; n = Math.floor(n / 256)) {
    bytes.unshift(n & 0xff)
  }

  return Uint8Array.from([0x80 | bytes.length, ...bytes])
}

/** One element: tag, length and the concatenated contents */
export function encodeElement (tag: number, ...contents: Uint8Array[]): Uint8Array {
  const value = concat(contents)

  return concat([Uint8Array.of(tag), encodeLength(value.byteLength), value])
}

export function encodeSequence (...elements: Uint8Array[]): Uint8Array {
  return encodeElement(TAG_SEQUENCE, ...elements)
}

/** A non-negative INTEGER from its big-endian magnitude (leading zeros are dropped, a sign byte added where needed) */
export function encodeUnsignedInteger (magnitude: Uint8Array): Uint8Array {
  let start = 0
  while (start < magnitude.byteLength - 1 && magnitude[start] === 0) {
    start++
  }

  let value = magnitude.subarray(start)

  if (value.byteLength === 0) {
    value = Uint8Array.of(0)
  } else if ((value[0] & 0x80) !== 0) {
    value = concat([Uint8Array.of(0), value])
  }

  return encodeElement(TAG_INTEGER, value)
}

export function encodeBitString (bytes: Uint8Array): Uint8Array {
  return encodeElement(TAG_BIT_STRING, Uint8Array.of(0), bytes)
}

export const DER_NULL = Uint8Array.of(TAG_NULL, 0)
