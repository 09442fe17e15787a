import { InvalidMessageError, InvalidParametersError } from '@libp2p/interface'
import { encodeVarintInto, varintLength } from '@libp2p/utils'
import { LIST, NOT_AVAILABLE, PROTOCOL_ID } from './constants.js'

const NEWLINE = 0x0a
const encoder = new TextEncoder()
// fatal: invalid UTF-8 is an error; ignoreBOM: a leading U+FEFF stays part of the text, so it can never match
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
// with the u flag, a surrogate range only matches unpaired surrogates, which UTF-8 cannot carry
const LONE_SURROGATE = /[\uD800-\uDFFF]/u
/** messages up to this many bytes are tried as ASCII first */
const MAX_ASCII_FAST_PATH = 128

/** `<varint length><utf-8 text>\n`, the length counting the text and the newline */
export function encodeMessage (text: string): Uint8Array {
  return frame(encoder.encode(text), true)
}

/** Concatenate encoded messages, so that they leave in one write */
export function concat (parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) { return parts[0] }
  let length = 0
  for (const part of parts) { length += part.byteLength }
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}

/**
 * The answer to `ls`: one message whose body is every protocol as its own message, followed by
 * the newline that ends every multistream message (so the body ends with `\n\n` unless empty):
 * `<varint total><varint len>/a\n<varint len>/b\n\n`.
 */
export function encodeList (protocols: string[]): Uint8Array {
  return frame(concat([...protocols.map(encodeMessage), Uint8Array.of(NEWLINE)]), false)
}

/**
 * Decode a message body (what the length prefix covers). It must end with a newline and be valid
 * UTF-8; the newline is not part of the returned text.
 */
export function decodeMessage (body: Uint8Array): string {
  if (body.byteLength === 0 || body[body.byteLength - 1] !== NEWLINE) {
    throw new InvalidMessageError('multistream-select message does not end with a newline')
  }
  const end = body.byteLength - 1
  if (end <= MAX_ASCII_FAST_PATH) {
    // protocol ids are short ASCII: decode them without a call into the platform's TextDecoder
    let text = ''
    let i = 0
    for (; i < end; i++) {
      const c = body[i]
      if (c >= 0x80) { break }
      text += String.fromCharCode(c)
    }
    if (i === end) { return text }
  }
  try {
    return decoder.decode(body.subarray(0, end))
  } catch {
    throw new InvalidMessageError('multistream-select message is not valid UTF-8')
  }
}

export interface Proposal {
  protocol: string
  /** the proposal as it goes on the wire */
  bytes: Uint8Array
}

/**
 * Protocols checked and encoded before: a node negotiates the same few protocols on stream after
 * stream. The wire bytes are shared, so they are never written to (concat() copies, and a stream
 * that buffers them only reads them). Bounded: past the limit the cache starts over.
 */
interface Encoded {
  /** `<varint length><protocol>\n` */
  bytes: Uint8Array
  /** what the length prefix counts: the protocol and the newline */
  bodyLength: number
}
const encoded = new Map<string, Encoded>()
const MAX_ENCODED = 256

/** throws InvalidParametersError for a string that cannot be a protocol (checkProtocol) */
function encodedProtocol (protocol: string): Encoded {
  let entry = encoded.get(protocol)
  if (entry === undefined) {
    checkProtocol(protocol)
    const text = encoder.encode(protocol)
    entry = { bytes: frame(text, true), bodyLength: text.byteLength + 1 }
    if (encoded.size >= MAX_ENCODED) { encoded.clear() }
    encoded.set(protocol, entry)
  }
  return entry
}

/** Check the dialer's protocols and encode them once */
export function encodeProposals (protocols: string | string[], maxDataLength: number): Proposal[] {
  const list = typeof protocols === 'string' ? [protocols] : protocols
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidParametersError('at least one protocol must be proposed')
  }
  return list.map(protocol => {
    const { bytes, bodyLength } = encodedProtocol(protocol)
    // the remote echoes it, and the echo must pass our own limit
    if (bodyLength > maxDataLength) {
      throw new InvalidParametersError(`protocol ${quote(protocol)} does not fit in maxDataLength=${maxDataLength}`)
    }
    return { protocol, bytes }
  })
}

/** the listener's echo of a proposal it supports */
export function encodeSelected (protocol: string): Uint8Array {
  try {
    return encodedProtocol(protocol).bytes
  } catch {
    // a handler's protocol string that could not be proposed: encode it as it is, uncached
    return encodeMessage(protocol)
  }
}

/** Check the listener's protocols (cheaply: they are only compared, and listed on `ls`) */
export function checkProtocols (protocols: string | string[]): string[] {
  const list = typeof protocols === 'string' ? [protocols] : protocols
  if (!Array.isArray(list)) {
    throw new InvalidParametersError('protocols must be a string or an array of strings')
  }
  for (const protocol of list) {
    if (typeof protocol !== 'string') {
      throw new InvalidParametersError('protocols must be a string or an array of strings')
    }
  }
  return list
}

function checkProtocol (protocol: unknown): void {
  if (typeof protocol !== 'string' || protocol === '') {
    throw new InvalidParametersError('a protocol must be a non-empty string')
  }
  if (protocol.includes('\n')) {
    throw new InvalidParametersError(`protocol ${quote(protocol)} contains a newline`)
  }
  if (protocol === NOT_AVAILABLE || protocol === LIST || protocol === PROTOCOL_ID) {
    throw new InvalidParametersError(`${quote(protocol)} is a multistream-select message, not a protocol`)
  }
  if (LONE_SURROGATE.test(protocol)) {
    throw new InvalidParametersError(`protocol ${quote(protocol)} is not well-formed Unicode`)
  }
}

/** A remote-supplied string, quoted and shortened for error messages and logs */
export function quote (text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text)
}

function frame (data: Uint8Array, newline: boolean): Uint8Array {
  const length = data.byteLength + (newline ? 1 : 0)
  const prefix = varintLength(length)
  const out = new Uint8Array(prefix + length)
  encodeVarintInto(length, out, 0)
  out.set(data, prefix)
  if (newline) { out[out.byteLength - 1] = NEWLINE }
  return out
}

/** pre-encoded, they are sent on every negotiation */
export const HEADER_BYTES = encodeMessage(PROTOCOL_ID)
export const NOT_AVAILABLE_BYTES = encodeMessage(NOT_AVAILABLE)
