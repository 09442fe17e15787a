/**
 * RFC 0002 signed envelopes: a payload, its type, the signer's public key and a signature made
 * for one domain, so a signature made for one purpose is never valid for another.
 */
import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { InvalidMessageError, InvalidParametersError, InvalidSignatureError, MessageTooLargeError } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { varint } from 'multiformats'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { MAX_ENVELOPE_BYTES } from './constants.js'
import { Envelope } from './pb/envelope.js'
import type { EnvelopeRecord } from './record.js'
import type { AbortOptions, PeerId, PrivateKey, PublicKey } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface RecordEnvelopeInit {
  publicKey: PublicKey
  payloadType: Uint8Array
  payload: Uint8Array
  signature: Uint8Array
}

/**
 * The bytes that are signed (RFC 0002, "Signature Production / Verification"): the domain
 * (UTF-8), the payload type and the payload, each preceded by its length as an unsigned varint
 */
export function envelopeSigningData (domain: string, payloadType: Uint8Array, payload: Uint8Array): Uint8Array {
  const fields = [uint8ArrayFromString(domain), payloadType, payload]
  const size = fields.reduce((acc, field) => acc + varint.encodingLength(field.byteLength) + field.byteLength, 0)
  const out = new Uint8Array(size)
  let offset = 0

  for (const field of fields) {
    varint.encodeTo(field.byteLength, out, offset)
    offset += varint.encodingLength(field.byteLength)
    out.set(field, offset)
    offset += field.byteLength
  }

  return out
}

export class RecordEnvelope {
  /** the key that made the signature */
  readonly publicKey: PublicKey
  /** how to read the payload: a multicodec, optionally followed by more bytes */
  readonly payloadType: Uint8Array
  readonly payload: Uint8Array
  readonly signature: Uint8Array
  #marshaled?: Uint8Array<ArrayBuffer>
  #peerId?: PeerId

  /**
   * Signs `record` for its domain with `privateKey`
   *
   * @throws MessageTooLargeError when the envelope would be larger than MAX_ENVELOPE_BYTES
   */
  static async seal (record: EnvelopeRecord, privateKey: PrivateKey, options?: AbortOptions): Promise<RecordEnvelope> {
    if (record == null || typeof record.marshal !== 'function' || typeof record.domain !== 'string' || !(record.codec instanceof Uint8Array)) {
      throw new InvalidParametersError('Expected a record with domain, codec and marshal()')
    }

    if (privateKey == null || typeof privateKey.sign !== 'function') {
      throw new InvalidParametersError('Expected a private key')
    }

    const payloadType = record.codec
    const payload = record.marshal()
    const signature = await privateKey.sign(envelopeSigningData(record.domain, payloadType, payload), options)
    const envelope = new RecordEnvelope({ publicKey: privateKey.publicKey, payloadType, payload, signature })
    const size = envelope.marshal().byteLength

    if (size > MAX_ENVELOPE_BYTES) {
      throw new MessageTooLargeError(`The envelope is ${size} bytes, more than MAX_ENVELOPE_BYTES=${MAX_ENVELOPE_BYTES}`)
    }

    return envelope
  }

  /**
   * Decodes a marshalled envelope without checking its signature (see openAndCertify)
   *
   * @throws MessageTooLargeError for more than MAX_ENVELOPE_BYTES, InvalidMessageError for
   * bytes that are not an envelope or hold no valid public key
   */
  static createFromProtobuf (data: Uint8Array | Uint8ArrayList): RecordEnvelope {
    if (data == null || typeof data.byteLength !== 'number' || typeof data.subarray !== 'function') {
      throw new InvalidParametersError('Expected a Uint8Array or Uint8ArrayList')
    }

    if (data.byteLength > MAX_ENVELOPE_BYTES) {
      throw new MessageTooLargeError(`The envelope is ${data.byteLength} bytes, more than MAX_ENVELOPE_BYTES=${MAX_ENVELOPE_BYTES}`)
    }

    // a private copy: the decoded fields are views into it, and the caller may reuse its buffer
    const bytes = data.subarray().slice()
    let message: Envelope

    try {
      message = Envelope.decode(bytes)
    } catch (err: any) {
      throw new InvalidMessageError(`Could not decode envelope: ${err?.message}`, { cause: err })
    }

    let publicKey: PublicKey

    try {
      publicKey = publicKeyFromProtobuf(message.publicKey)
    } catch (err: any) {
      throw new InvalidMessageError(`The envelope does not hold a valid public key: ${err?.message}`, { cause: err })
    }

    const envelope = new RecordEnvelope({
      publicKey,
      payloadType: message.payloadType,
      payload: message.payload,
      signature: message.signature
    })
    // re-encoding could differ from what the signer sent (field order, unknown fields): keep the original
    envelope.#marshaled = bytes

    return envelope
  }

  /**
   * Decodes a marshalled envelope and checks its signature for `domain`
   *
   * @throws InvalidSignatureError when the signature is not the public key's for this domain,
   * and what createFromProtobuf throws
   */
  static async openAndCertify (data: Uint8Array | Uint8ArrayList, domain: string, options?: AbortOptions): Promise<RecordEnvelope> {
    const envelope = RecordEnvelope.createFromProtobuf(data)

    if (!(await envelope.validate(domain, options))) {
      throw new InvalidSignatureError(`The envelope signature is not valid for domain "${domain}"`)
    }

    return envelope
  }

  constructor (init: RecordEnvelopeInit) {
    this.publicKey = init.publicKey
    this.payloadType = init.payloadType
    this.payload = init.payload
    this.signature = init.signature
  }

  /** the signer */
  get peerId (): PeerId {
    this.#peerId ??= peerIdFromPublicKey(this.publicKey)
    return this.#peerId
  }

  /** the envelope protobuf */
  marshal (): Uint8Array<ArrayBuffer> {
    // the generated types ask for ArrayBuffer-backed arrays; encoding only reads the bytes
    this.#marshaled ??= Envelope.encode({
      publicKey: publicKeyToProtobuf(this.publicKey),
      payloadType: this.payloadType as Uint8Array<ArrayBuffer>,
      payload: this.payload as Uint8Array<ArrayBuffer>,
      signature: this.signature as Uint8Array<ArrayBuffer>
    })

    return this.#marshaled
  }

  /** true when the signature is the public key's over the payload for `domain`; never throws for a bad signature */
  async validate (domain: string, options?: AbortOptions): Promise<boolean> {
    if (typeof domain !== 'string') {
      throw new InvalidParametersError('The domain must be a string')
    }

    try {
      return await this.publicKey.verify(envelopeSigningData(domain, this.payloadType, this.payload), this.signature, options)
    } catch (err: any) {
      if (err?.name === 'AbortError') {
        throw err
      }

      return false
    }
  }

  /** true for an envelope with the same key, payload type, payload and signature */
  equals (other?: RecordEnvelope): boolean {
    if (other == null) {
      return false
    }

    return this.publicKey.equals(other.publicKey) &&
      uint8ArrayEquals(this.payloadType, other.payloadType) &&
      uint8ArrayEquals(this.payload, other.payload) &&
      uint8ArrayEquals(this.signature, other.signature)
  }
}
