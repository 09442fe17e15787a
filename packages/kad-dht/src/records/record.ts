import { InvalidMessageError } from '@libp2p/interface'
import { Record } from '../message/dht.js'
import { nanosToMillis, parseRFC3339 } from './rfc3339.js'
import type { DHTRecord } from '../types.js'

/** a record as the `record` field of a DHT message carries it (timeReceived as RFC 3339) */
export function encodeRecord (record: DHTRecord): Uint8Array {
  return Record.encode({
    // protons types its fields as ArrayBuffer-backed; encoding only reads them
    key: record.key as Uint8Array<ArrayBuffer>,
    value: record.value as Uint8Array<ArrayBuffer>,
    timeReceived: record.timeReceived?.toISOString() ?? ''
  })
}

/**
 * InvalidMessageError when the bytes are not a Record. The receiver sets timeReceived, so a
 * sender's value is only informational: one that does not parse is dropped, not an error (go
 * and js peers write it in two different RFC 3339 precisions).
 */
export function decodeRecord (bytes: Uint8Array): DHTRecord {
  let pb: Record
  try {
    pb = Record.decode(bytes)
  } catch (err: any) {
    throw new InvalidMessageError(`bad DHT record: ${err.message}`)
  }
  const record: DHTRecord = { key: pb.key, value: pb.value }
  if (pb.timeReceived !== '') {
    try {
      record.timeReceived = new Date(nanosToMillis(parseRFC3339(pb.timeReceived)))
    } catch {
      // left unset: see above
    }
  }
  return record
}
