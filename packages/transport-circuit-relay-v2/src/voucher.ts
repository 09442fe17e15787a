import { InvalidMessageError } from '@libp2p/interface'
import { RecordEnvelope } from '@libp2p/peer-record'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { RESERVATION_VOUCHER_CODEC, RESERVATION_VOUCHER_DOMAIN } from './constants.js'
import { ReservationVoucher } from './pb/circuit.js'
import type { AbortOptions, PeerId, PrivateKey } from '@libp2p/interface'
import type { EnvelopeRecord } from '@libp2p/peer-record'

/**
 * The payload of a reservation voucher (circuit-v2 "Reservation Vouchers"): the relay, the
 * reserving peer and the expiry in unix seconds, sealed in a signed envelope by the relay.
 */
export class ReservationVoucherRecord implements EnvelopeRecord {
  readonly domain = RESERVATION_VOUCHER_DOMAIN
  readonly codec = RESERVATION_VOUCHER_CODEC
  readonly relay: PeerId
  readonly peer: PeerId
  /** unix seconds */
  readonly expiration: bigint

  constructor (relay: PeerId, peer: PeerId, expiration: bigint) {
    this.relay = relay
    this.peer = peer
    this.expiration = expiration
  }

  /** canonical form: fields in id order, nothing else */
  marshal (): Uint8Array {
    return ReservationVoucher.encode({
      relay: this.relay.toMultihash().bytes,
      peer: this.peer.toMultihash().bytes,
      expiration: this.expiration
    })
  }

  equals (other: unknown): boolean {
    return other instanceof ReservationVoucherRecord &&
      other.relay.equals(this.relay) && other.peer.equals(this.peer) && other.expiration === this.expiration
  }
}

/** seal a voucher with the relay's key; the marshalled envelope goes in Reservation.voucher */
export async function sealVoucher (record: ReservationVoucherRecord, privateKey: PrivateKey, options?: AbortOptions): Promise<Uint8Array<ArrayBuffer>> {
  const envelope = await RecordEnvelope.seal(record, privateKey, options)
  return envelope.marshal()
}

export interface OpenedVoucher {
  /** the relay that signed it (from the envelope's key) */
  signer: PeerId
  relay: Uint8Array
  peer: Uint8Array
  expiration: bigint
}

/**
 * Check a voucher's signature for the relay-rsvp domain and its payload type, and decode it.
 *
 * @throws {InvalidSignatureError} when the signature is not the envelope key's for the relay-rsvp domain
 * @throws {InvalidMessageError} when the envelope or its payload is not a voucher
 */
export async function openVoucher (bytes: Uint8Array, options?: AbortOptions): Promise<OpenedVoucher> {
  const envelope = await RecordEnvelope.openAndCertify(bytes, RESERVATION_VOUCHER_DOMAIN, options)
  if (!uint8ArrayEquals(envelope.payloadType, RESERVATION_VOUCHER_CODEC)) {
    throw new InvalidMessageError('the envelope is not a reservation voucher')
  }
  let payload: ReservationVoucher
  try {
    payload = ReservationVoucher.decode(envelope.payload)
  } catch (err: any) {
    throw new InvalidMessageError(`could not decode the voucher: ${err?.message ?? err}`)
  }
  if (payload.relay == null || payload.peer == null || payload.expiration == null) {
    throw new InvalidMessageError('the voucher lacks relay, peer or expiration')
  }
  return { signer: envelope.peerId, relay: payload.relay, peer: payload.peer, expiration: payload.expiration }
}
