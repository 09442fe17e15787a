import { InvalidMessageError, InvalidParametersError } from '@libp2p/interface'

/**
 * The DAG-CBOR subset an IPNS record's `data` field uses: maps with text keys, byte and text
 * strings, integers, and (so an extended record still parses) arrays, booleans, null, 64-bit
 * floats and tag 42 (a CID). The decoder refuses what DAG-CBOR forbids and anything that could
 * make it allocate or recurse beyond the input: indefinite lengths, a length past the end of the
 * input, duplicate map keys, nesting deeper than MAX_DEPTH.
 */
export type CborValue = bigint | number | boolean | null | string | Uint8Array | CborValue[] | CborMap | CborTag
export interface CborMap { [key: string]: CborValue }

/** a tagged item (DAG-CBOR allows only tag 42, a CID) */
export class CborTag {
  constructor (readonly tag: number, readonly value: CborValue) {}
}

const MAX_DEPTH = 32
const CID_TAG = 42

export function decodeCbor (bytes: Uint8Array): CborValue {
  const reader = new Reader(bytes)
  const value = reader.item(0)
  if (reader.offset !== bytes.length) { throw new InvalidMessageError('bytes after the CBOR item') }
  return value
}

class Reader {
  offset = 0
  readonly #view: DataView
  readonly #text = new TextDecoder('utf-8', { fatal: true })

  constructor (readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  item (depth: number): CborValue {
    if (depth > MAX_DEPTH) { throw new InvalidMessageError('CBOR nested too deeply') }
    const initial = this.#take(1)[0]
    const major = initial >> 5
    const info = initial & 0x1f
    if (major === 7) { return this.#simple(info) }
    const argument = this.#argument(info)
    switch (major) {
      case 0: return argument
      case 1: return -1n - argument
      case 2: return this.#take(this.#length(argument)).slice()
      case 3: return this.#utf8(this.#take(this.#length(argument)))
      case 4: {
        const items: CborValue[] = []
        // every item takes at least one byte, so a count past the input is refused up front
        for (let i = 0, n = this.#length(argument); i < n; i++) { items.push(this.item(depth + 1)) }
        return items
      }
      case 5: {
        const map: CborMap = Object.create(null)
        for (let i = 0, n = this.#length(argument); i < n; i++) {
          const key = this.item(depth + 1)
          if (typeof key !== 'string') { throw new InvalidMessageError('CBOR map key is not a string') }
          if (Object.hasOwn(map, key)) { throw new InvalidMessageError('duplicate CBOR map key') }
          map[key] = this.item(depth + 1)
        }
        return map
      }
      default: {
        if (argument !== BigInt(CID_TAG)) { throw new InvalidMessageError('CBOR tag other than 42') }
        return new CborTag(CID_TAG, this.item(depth + 1))
      }
    }
  }

  #utf8 (bytes: Uint8Array): string {
    try {
      return this.#text.decode(bytes)
    } catch {
      throw new InvalidMessageError('CBOR text is not UTF-8')
    }
  }

  #argument (info: number): bigint {
    if (info < 24) { return BigInt(info) }
    if (info === 24) { return BigInt(this.#take(1)[0]) }
    if (info === 25) { return BigInt(this.#view.getUint16(this.#advance(2))) }
    if (info === 26) { return BigInt(this.#view.getUint32(this.#advance(4))) }
    if (info === 27) { return this.#view.getBigUint64(this.#advance(8)) }
    throw new InvalidMessageError('indefinite or reserved CBOR length')
  }

  #simple (info: number): CborValue {
    if (info === 20) { return false }
    if (info === 21) { return true }
    if (info === 22) { return null }
    if (info === 27) { return this.#view.getFloat64(this.#advance(8)) }
    throw new InvalidMessageError('CBOR simple value not allowed in DAG-CBOR')
  }

  /** a length or count that cannot be larger than the bytes left */
  #length (n: bigint): number {
    if (n > BigInt(this.bytes.length - this.offset)) { throw new InvalidMessageError('CBOR length past the end of the input') }
    return Number(n)
  }

  #advance (n: number): number {
    this.#take(n)
    return this.offset - n
  }

  #take (n: number): Uint8Array {
    if (this.offset + n > this.bytes.length) { throw new InvalidMessageError('CBOR input ends early') }
    const out = this.bytes.subarray(this.offset, this.offset + n)
    this.offset += n
    return out
  }
}

/**
 * Canonical DAG-CBOR (shortest lengths, map keys ordered by length then bytes): what a node
 * signs when it makes an IPNS record. Integers may be numbers (safe integers only) or bigints.
 */
export function encodeCbor (value: CborValue): Uint8Array<ArrayBuffer> {
  const out: number[] = []
  write(out, value)
  return Uint8Array.from(out)
}

const utf8 = new TextEncoder()

function head (out: number[], major: number, n: bigint): void {
  if (n < 24n) {
    out.push((major << 5) | Number(n))
  } else {
    let size = 8
    if (n < 0x100n) { size = 1 } else if (n < 0x10000n) { size = 2 } else if (n < 0x100000000n) { size = 4 }
    out.push((major << 5) | (24 + Math.log2(size)))
    for (let i = size - 1; i >= 0; i--) { out.push(Number((n >> BigInt(i * 8)) & 0xffn)) }
  }
}

function write (out: number[], value: CborValue): void {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) { throw new InvalidParametersError('only safe integers are encoded as numbers; pass a bigint') }
    value = BigInt(value)
  }
  if (typeof value === 'bigint') {
    if (value >= 2n ** 64n || value < -(2n ** 64n)) { throw new InvalidParametersError('integer outside CBOR\'s 64-bit range') }
    if (value >= 0n) { head(out, 0, value) } else { head(out, 1, -1n - value) }
  } else if (typeof value === 'boolean') {
    out.push(value ? 0xf5 : 0xf4)
  } else if (value === null) {
    out.push(0xf6)
  } else if (typeof value === 'string') {
    const bytes = utf8.encode(value)
    head(out, 3, BigInt(bytes.length))
    for (const b of bytes) { out.push(b) }
  } else if (value instanceof Uint8Array) {
    head(out, 2, BigInt(value.length))
    for (const b of value) { out.push(b) }
  } else if (Array.isArray(value)) {
    head(out, 4, BigInt(value.length))
    for (const item of value) { write(out, item) }
  } else if (value instanceof CborTag) {
    head(out, 6, BigInt(value.tag))
    write(out, value.value)
  } else {
    const keys = Object.keys(value).map(k => ({ k, bytes: utf8.encode(k) })).sort((a, b) => compareKeys(a.bytes, b.bytes))
    head(out, 5, BigInt(keys.length))
    for (const { k } of keys) {
      write(out, k)
      write(out, value[k])
    }
  }
}

/** DAG-CBOR's map key order: shorter first, then bytewise */
function compareKeys (a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) { return a.length - b.length }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) { return a[i] - b[i] }
  }
  return 0
}
