import { InvalidMessageError, MessageTooLargeError } from '@libp2p/interface'
import { MAX_FILE_BYTES, MAX_FILE_NAME_CHARS } from './constants.js'
import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * The wire format of `/rendezvous/file/1.0.0`, on one stream per file:
 *
 * 1. sender → receiver: a varint-length-prefixed JSON header `{"name", "size", "sha256"}` (at most
 * MAX_FILE_HEADER_BYTES; `sha256` is the file's digest in lowercase hex)
 * 2. sender → receiver: exactly `size` bytes of file, then the sender closes its write side
 * 3. receiver → sender: a varint-length-prefixed JSON verdict `{"ok", "sha256"}` (the digest of
 * what arrived), then the receiver closes
 *
 * Either side cancels by resetting the stream.
 */
export interface FileHeader {
  name: string
  size: number
  sha256: string
}

export interface FileVerdict {
  ok: boolean
  sha256: string
}

const SHA256_HEX = /^[0-9a-f]{64}$/

function parseJson (data: Uint8ArrayList, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.subarray()))
  } catch {
    throw new InvalidMessageError(`the file ${what} is not UTF-8 JSON`)
  }
  if (typeof value !== 'object' || value == null || Array.isArray(value)) { throw new InvalidMessageError(`the file ${what} is not a JSON object`) }
  return value as Record<string, unknown>
}

/** a name safe to show and to save under: no path, no control characters, bounded */
export function cleanFileName (name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = name.replace(/[\u0000-\u001f\u007f]/g, '').split(/[/\\]/).pop()?.trim() ?? ''
  return base === '' || base === '.' || base === '..' ? 'file' : base.slice(0, MAX_FILE_NAME_CHARS)
}

export function encodeHeader (header: FileHeader): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(header))
}

export function decodeHeader (data: Uint8ArrayList): FileHeader {
  const value = parseJson(data, 'header')
  const { name, size, sha256 } = value
  if (typeof name !== 'string') { throw new InvalidMessageError('the file header has no name') }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) { throw new InvalidMessageError('the file header\'s size is not a whole number of bytes') }
  if (size > MAX_FILE_BYTES) { throw new MessageTooLargeError(`the file is ${size} bytes, more than the ${MAX_FILE_BYTES} this page accepts (MAX_FILE_BYTES)`) }
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) { throw new InvalidMessageError('the file header\'s sha256 is not 64 lowercase hex digits') }
  return { name: cleanFileName(name), size, sha256 }
}

export function encodeVerdict (verdict: FileVerdict): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(verdict))
}

export function decodeVerdict (data: Uint8ArrayList): FileVerdict {
  const { ok, sha256 } = parseJson(data, 'verdict')
  if (typeof ok !== 'boolean' || typeof sha256 !== 'string') { throw new InvalidMessageError('the file verdict is not {"ok": boolean, "sha256": string}') }
  return { ok, sha256 }
}

/** SHA-256 of `data` as lowercase hex (WebCrypto: one call over the whole file) */
export async function sha256Hex (data: Uint8Array | ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource))
  return Array.from(digest, b => b.toString(16).padStart(2, '0')).join('')
}
