import { InvalidMessageError, InvalidSignatureError } from '@libp2p/interface'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { RecordEnvelope } from './envelope.js'
import { PeerRecord } from './peer-record.js'
import type { AbortOptions } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface OpenedPeerRecord {
  envelope: RecordEnvelope
  record: PeerRecord
}

/**
 * Opens a signed peer record the way RFC 0003 requires: the envelope signature must verify for
 * the peer record domain before the payload is read, the payload type must be a peer record's,
 * and the record must name the peer whose key signed it.
 *
 * @throws InvalidSignatureError when the signature does not verify or the record names another
 * peer; InvalidMessageError / MessageTooLargeError for bytes that are not a valid signed record
 */
export async function openPeerRecord (data: Uint8Array | Uint8ArrayList, options?: AbortOptions): Promise<OpenedPeerRecord> {
  const envelope = await RecordEnvelope.openAndCertify(data, PeerRecord.DOMAIN, options)

  if (!uint8ArrayEquals(envelope.payloadType, PeerRecord.CODEC)) {
    throw new InvalidMessageError('The envelope does not hold a peer record (wrong payload type)')
  }

  const record = PeerRecord.createFromProtobuf(envelope.payload)

  if (!record.peerId.equals(envelope.peerId)) {
    throw new InvalidSignatureError(`The peer record names ${record.peerId} but was signed by ${envelope.peerId}`)
  }

  return { envelope, record }
}
