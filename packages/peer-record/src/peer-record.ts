/**
 * RFC 0003 peer records: a peer's listen addresses and a sequence number, meant to be sealed in a
 * signed envelope so that others can tell the addresses came from the peer itself.
 */
import { InvalidMessageError, InvalidParametersError, MessageTooLargeError } from '@libp2p/interface'
import { isPeerId, peerIdFromMultihash } from '@libp2p/peer-id'
import { isMultiaddr, multiaddr } from '@multiformats/multiaddr'
import { decode as decodeDigest } from 'multiformats/hashes/digest'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { MAX_ENVELOPE_BYTES, MAX_PEER_RECORD_ADDRESSES, PEER_RECORD_CODEC_BYTES, PEER_RECORD_DOMAIN } from './constants.js'
import { PeerRecord as PeerRecordMessage } from './pb/peer-record.js'
import { nextSeqNumber } from './seq-number.js'
import type { EnvelopeRecord } from './record.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Uint8ArrayList } from 'uint8arraylist'

const MAX_UINT64 = (1n << 64n) - 1n

export interface PeerRecordInit {
  peerId: PeerId
  /** the addresses the peer can be reached at; at most MAX_PEER_RECORD_ADDRESSES */
  multiaddrs?: Multiaddr[]
  /**
   * must grow with every new record of this peer (a uint64); by default Unix time in ns at ms
   * precision, strictly increasing within this process
   */
  seqNumber?: bigint
}

export class PeerRecord implements EnvelopeRecord {
  /** the signed envelope domain of peer records */
  static readonly DOMAIN = PEER_RECORD_DOMAIN
  /** the signed envelope payload type of peer records (multicodec libp2p-peer-record, 0x0301) */
  static readonly CODEC = Uint8Array.from(PEER_RECORD_CODEC_BYTES)

  /**
   * Decodes a peer record protobuf (an envelope payload). This does not prove who made it: open
   * the envelope with openPeerRecord or RecordEnvelope.openAndCertify first.
   *
   * @throws MessageTooLargeError for more than MAX_ENVELOPE_BYTES or MAX_PEER_RECORD_ADDRESSES,
   * InvalidMessageError for bytes that are not a peer record
   */
  static createFromProtobuf (data: Uint8Array | Uint8ArrayList): PeerRecord {
    if (data == null || typeof data.byteLength !== 'number' || typeof data.subarray !== 'function') {
      throw new InvalidParametersError('Expected a Uint8Array or Uint8ArrayList')
    }

    if (data.byteLength > MAX_ENVELOPE_BYTES) {
      throw new MessageTooLargeError(`The peer record is ${data.byteLength} bytes, more than MAX_ENVELOPE_BYTES=${MAX_ENVELOPE_BYTES}`)
    }

    let message: PeerRecordMessage

    try {
      message = PeerRecordMessage.decode(data, { limits: { addresses: MAX_PEER_RECORD_ADDRESSES } })
    } catch (err: any) {
      if (err?.name === 'MaxLengthError') {
        throw new MessageTooLargeError(`The peer record has more than MAX_PEER_RECORD_ADDRESSES=${MAX_PEER_RECORD_ADDRESSES} addresses`, { cause: err })
      }

      throw new InvalidMessageError(`Could not decode peer record: ${err?.message}`, { cause: err })
    }

    let peerId: PeerId

    try {
      peerId = peerIdFromMultihash(decodeDigest(message.peerId))
    } catch (err: any) {
      throw new InvalidMessageError(`The peer record's peer id is invalid: ${err?.message}`, { cause: err })
    }

    const multiaddrs = message.addresses.map((address, index) => {
      if (address.multiaddr.byteLength === 0) {
        throw new InvalidMessageError(`The peer record's address ${index} is empty`)
      }

      try {
        // copy: the decoded bytes are views into the caller's buffer
        return multiaddr(address.multiaddr.slice())
      } catch (err: any) {
        throw new InvalidMessageError(`The peer record's address ${index} is invalid: ${err?.message}`, { cause: err })
      }
    })

    return new PeerRecord({ peerId, multiaddrs, seqNumber: message.seq })
  }

  readonly peerId: PeerId
  readonly multiaddrs: Multiaddr[]
  readonly seqNumber: bigint
  readonly domain = PeerRecord.DOMAIN
  readonly codec = PeerRecord.CODEC
  #marshaled?: Uint8Array

  constructor (init: PeerRecordInit) {
    const { peerId, multiaddrs = [], seqNumber = nextSeqNumber() } = init ?? {}

    if (!isPeerId(peerId)) {
      throw new InvalidParametersError('A peer record needs a PeerId')
    }

    if (!Array.isArray(multiaddrs) || !multiaddrs.every(ma => isMultiaddr(ma))) {
      throw new InvalidParametersError('A peer record\'s multiaddrs must be an array of Multiaddrs')
    }

    if (multiaddrs.length > MAX_PEER_RECORD_ADDRESSES) {
      throw new MessageTooLargeError(`A peer record holds at most MAX_PEER_RECORD_ADDRESSES=${MAX_PEER_RECORD_ADDRESSES} addresses, got ${multiaddrs.length}`)
    }

    if (typeof seqNumber !== 'bigint' || seqNumber < 0n || seqNumber > MAX_UINT64) {
      throw new InvalidParametersError('A peer record\'s seqNumber must be a bigint between 0 and 2^64 - 1')
    }

    this.peerId = peerId
    this.multiaddrs = [...multiaddrs]
    this.seqNumber = seqNumber
  }

  /** the peer record protobuf: the envelope payload */
  marshal (): Uint8Array {
    this.#marshaled ??= PeerRecordMessage.encode({
      peerId: this.peerId.toMultihash().bytes,
      seq: this.seqNumber,
      addresses: this.multiaddrs.map(ma => ({ multiaddr: ma.bytes }))
    })

    return this.#marshaled
  }

  /** true for a record of the same peer, sequence number and addresses (in order) */
  equals (other: unknown): boolean {
    if (!(other instanceof PeerRecord)) {
      return false
    }

    return this.peerId.equals(other.peerId) &&
      this.seqNumber === other.seqNumber &&
      this.multiaddrs.length === other.multiaddrs.length &&
      this.multiaddrs.every((ma, index) => uint8ArrayEquals(ma.bytes, other.multiaddrs[index].bytes))
  }
}
