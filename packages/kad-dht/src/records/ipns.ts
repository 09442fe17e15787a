import { publicKeyFromProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { CborTag, decodeCbor } from './cbor.js'
import { InvalidRecordError } from './errors.js'
import { IpnsEntry } from './ipns-entry.js'
import { peerIdOfKey } from './keys.js'
import { parseRFC3339 } from './rfc3339.js'
import type { CborMap, CborValue } from './cbor.js'
import type { SelectFn, ValidateFn } from '../types.js'
import type { PublicKey } from '@libp2p/interface'

/** the largest IPNS record accepted (IPNS spec; go's and js's limit) */
export const IPNS_MAX_RECORD_BYTES = 10 * 1024

/** what the V2 signature covers: this prefix, then the `data` bytes (IPNS spec) */
const SIGNATURE_V2_PREFIX = new TextEncoder().encode('ipns-signature:')
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** the signed fields of an IPNS record, from its DAG-CBOR `data` */
export interface IpnsData {
  value: Uint8Array
  validity: Uint8Array
  validityType: bigint
  sequence: bigint
  ttl: bigint
  /** Validity as nanoseconds since the epoch (ValidityType EOL) */
  eol: bigint
}

export interface IpnsValidatorInit {
  /** ms since the epoch; the default is Date.now (records past their EOL are invalid) */
  now?(): number
}

/**
 * `/ipns/<peer id multihash>` holds an IPNS record signed by that peer. Valid when: at most
 * IPNS_MAX_RECORD_BYTES; `data` and `signatureV2` present; signatureV2 verifies over
 * 'ipns-signature:' + data with the key in `pubKey` (which must hash to the peer id) or the one
 * the peer id embeds; a record with legacy V1 fields has them equal to `data`'s (checkV1Fields);
 * the EOL in `data` is not past.
 */
export function ipnsValidator (init: IpnsValidatorInit = {}): ValidateFn {
  const now = init.now ?? Date.now
  return async (key, value, options) => {
    const expected = peerIdOfKey(key)
    const entry = decodeIpnsEntry(value)
    if (entry.signatureV2 == null || entry.signatureV2.length === 0) { throw new InvalidRecordError('IPNS record has no signatureV2') }
    const data = parseIpnsData(entry.data)

    let publicKey: PublicKey | undefined = expected.publicKey
    if (entry.pubKey != null && entry.pubKey.length > 0) {
      try {
        publicKey = publicKeyFromProtobuf(entry.pubKey)
      } catch (err: any) {
        throw new InvalidRecordError(`IPNS record's pubKey is not a public key: ${err.message}`)
      }
      if (!peerIdFromPublicKey(publicKey).equals(expected)) { throw new InvalidRecordError('IPNS record\'s pubKey is not the key of the peer the key names') }
    }
    if (publicKey == null) { throw new InvalidRecordError('IPNS record has no pubKey and the peer id does not embed one') }

    const signed = new Uint8Array(SIGNATURE_V2_PREFIX.length + data.raw.length)
    signed.set(SIGNATURE_V2_PREFIX)
    signed.set(data.raw, SIGNATURE_V2_PREFIX.length)
    if (!(await publicKey.verify(signed, entry.signatureV2, options))) { throw new InvalidRecordError('IPNS record\'s signatureV2 does not verify') }

    checkV1Fields(entry, data)
    if (BigInt(now()) * 1_000_000n > data.eol) { throw new InvalidRecordError('IPNS record has expired') }
  }
}

/**
 * The best of several IPNS records for one name: the highest sequence number, then the later
 * EOL; on a tie the first. Values that do not parse are passed over; none parsing is an error.
 */
export const selectIpnsRecord: SelectFn = (key, values) => {
  let best = -1
  let bestData: IpnsData | undefined
  values.forEach((value, i) => {
    let data: IpnsData
    try {
      data = parseIpnsData(decodeIpnsEntry(value).data)
    } catch {
      return
    }
    if (bestData == null || data.sequence > bestData.sequence || (data.sequence === bestData.sequence && data.eol > bestData.eol)) {
      best = i
      bestData = data
    }
  })
  if (best < 0) { throw new InvalidRecordError('no IPNS record to select from parses') }
  return best
}

function decodeIpnsEntry (value: Uint8Array): IpnsEntry {
  if (value.length > IPNS_MAX_RECORD_BYTES) { throw new InvalidRecordError(`IPNS record is ${value.length} bytes, more than ${IPNS_MAX_RECORD_BYTES}`) }
  try {
    return IpnsEntry.decode(value)
  } catch (err: any) {
    throw new InvalidRecordError(`IPNS record does not decode: ${err.message}`)
  }
}

/** the DAG-CBOR `data` field, its required fields type-checked */
export function parseIpnsData (raw: Uint8Array | undefined): IpnsData & { raw: Uint8Array } {
  if (raw == null || raw.length === 0) { throw new InvalidRecordError('IPNS record has no data') }
  let map: CborValue
  try {
    map = decodeCbor(raw)
  } catch (err: any) {
    throw new InvalidRecordError(`IPNS record's data is not DAG-CBOR: ${err.message}`)
  }
  if (map == null || typeof map !== 'object' || Array.isArray(map) || map instanceof Uint8Array || map instanceof CborTag) {
    throw new InvalidRecordError('IPNS record\'s data is not a map')
  }
  const value = field(map, 'Value', 'bytes')
  const validity = field(map, 'Validity', 'bytes')
  const validityType = field(map, 'ValidityType', 'uint')
  // go writes Sequence and TTL as int64, js as uint64: both come out as unsigned integers here
  const sequence = field(map, 'Sequence', 'uint')
  const ttl = field(map, 'TTL', 'uint')
  if (validityType !== 0n) { throw new InvalidRecordError(`IPNS ValidityType ${validityType} is unknown (only EOL, 0)`) }
  let eol: bigint
  try {
    eol = parseRFC3339(utf8.decode(validity))
  } catch (err: any) {
    throw new InvalidRecordError(`IPNS Validity is not an RFC 3339 time: ${err.message}`)
  }
  return { value, validity, validityType, sequence, ttl, eol, raw }
}

function field (map: CborMap, name: string, type: 'bytes'): Uint8Array
function field (map: CborMap, name: string, type: 'uint'): bigint
function field (map: CborMap, name: string, type: 'bytes' | 'uint'): Uint8Array | bigint {
  const value = map[name]
  if (type === 'bytes' && value instanceof Uint8Array) { return value }
  if (type === 'uint' && typeof value === 'bigint' && value >= 0n) { return value }
  throw new InvalidRecordError(`IPNS record's data has no ${type === 'bytes' ? 'byte string' : 'unsigned integer'} ${name}`)
}

/**
 * IPNS spec, verification step 7 (boxo does the same): a record with signatureV1 or value is read
 * by legacy consumers through its V1 fields, so all five must equal the signed ones (an absent
 * field reads as empty or 0, as in go). A record with neither is V2-only: its V1 fields are
 * never read, so they are not compared.
 */
function checkV1Fields (entry: IpnsEntry, data: IpnsData): void {
  if (entry.signatureV1 == null && entry.value == null) { return }
  const empty = new Uint8Array(0)
  const mismatch = !uint8ArrayEquals(entry.value ?? empty, data.value) ||
    !uint8ArrayEquals(entry.validity ?? empty, data.validity) ||
    BigInt(validityTypeNumber(entry.validityType ?? IpnsEntry.ValidityType.EOL)) !== data.validityType ||
    (entry.sequence ?? 0n) !== data.sequence ||
    (entry.ttl ?? 0n) !== data.ttl
  if (mismatch) { throw new InvalidRecordError('IPNS record\'s V1 fields differ from its signed data') }
}

function validityTypeNumber (type: IpnsEntry.ValidityType): number {
  return type === IpnsEntry.ValidityType.EOL ? 0 : -1
}
