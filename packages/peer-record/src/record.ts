/** A record that can be sealed in a signed envelope (RFC 0002) */
export interface EnvelopeRecord {
  /** the domain separation string its signatures are made for */
  readonly domain: string
  /** the envelope payload type: a multicodec, optionally followed by more bytes */
  readonly codec: Uint8Array
  /** the envelope payload */
  marshal(): Uint8Array
  equals(other: unknown): boolean
}
