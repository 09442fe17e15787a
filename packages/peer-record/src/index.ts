/**
 * @packageDocumentation
 *
 * Signed envelopes (RFC 0002) and the peer records sealed in them (RFC 0003).
 *
 * ```ts
 * import { PeerRecord, RecordEnvelope, openPeerRecord } from '@libp2p/peer-record'
 *
 * const record = new PeerRecord({ peerId, multiaddrs })
 * const envelope = await RecordEnvelope.seal(record, privateKey)
 * const bytes = envelope.marshal()
 *
 * // on the receiving side: checks the signature, payload type and signer
 * const { record: received } = await openPeerRecord(bytes)
 * ```
 */
export { RecordEnvelope } from './envelope.js'
export { PeerRecord } from './peer-record.js'
export { openPeerRecord } from './open-peer-record.js'
export { MAX_ENVELOPE_BYTES, MAX_PEER_RECORD_ADDRESSES } from './constants.js'
export type { RecordEnvelopeInit } from './envelope.js'
export type { PeerRecordInit } from './peer-record.js'
export type { OpenedPeerRecord } from './open-peer-record.js'
export type { EnvelopeRecord } from './record.js'
