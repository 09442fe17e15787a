import { base32 } from 'multiformats/bases/base32'
import { base58btc } from 'multiformats/bases/base58'
import { base64 } from 'multiformats/bases/base64'

/**
 * The `%x` formatters this package registers on `debug`. Each one turns one argument into a
 * string; they only run when the logger is enabled, so they may allocate freely.
 *
 * - `%b` bytes as base58btc, `%t` bytes as base32, `%m` bytes as base64 (no multibase prefix)
 * - `%p` peer id, `%c` CID, `%k` datastore key, `%a` multiaddr (each by its `toString()`)
 * - `%e` an error: `name: message` and the stack when there is one
 */
export type Formatter = (value: any) => string

/** How deep `%e` follows `cause` and `AggregateError.errors` */
const MAX_ERROR_DEPTH = 3

/** How many of an `AggregateError`'s errors `%e` prints */
const MAX_INNER_ERRORS = 10

/**
 * Bytes from a `Uint8Array`, or from anything with a no-argument `subarray()` that returns one
 * (a `Uint8ArrayList`); `undefined` for anything else.
 */
function toBytes (value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) {
    return value
  }

  if (value != null && typeof (value as { subarray?: unknown }).subarray === 'function') {
    const bytes = (value as { subarray(): unknown }).subarray()

    if (bytes instanceof Uint8Array) {
      return bytes
    }
  }

  return undefined
}

function bytesFormatter (encode: (bytes: Uint8Array) => string): Formatter {
  return (value: unknown): string => {
    const bytes = toBytes(value)
    return bytes == null ? String(value) : encode(bytes)
  }
}

/** `toString()` of a peer id, CID, key or multiaddr; `String(value)` covers null and undefined */
function stringFormatter (value: unknown): string {
  return String(value)
}

interface ErrorLike {
  name?: unknown
  message?: unknown
  stack?: unknown
  cause?: unknown
  errors?: unknown
}

function isErrorLike (value: unknown): value is ErrorLike {
  return value instanceof Error ||
    (value != null && typeof value === 'object' && typeof (value as ErrorLike).message === 'string')
}

function errorHeader (err: ErrorLike): string {
  const name = typeof err.name === 'string' && err.name !== '' ? err.name : 'Error'
  const message = typeof err.message === 'string' ? err.message : ''
  return message === '' ? name : `${name}: ${message}`
}

function indent (text: string): string {
  return text.replace(/^/gm, '  ')
}

/**
 * V8 stacks start with the `name: message` header; Firefox and Safari stacks hold only frames,
 * so the header is added when the stack does not already start with it.
 */
function describeError (err: unknown, depth: number): string {
  if (!isErrorLike(err)) {
    return String(err)
  }

  const header = errorHeader(err)
  const stack = typeof err.stack === 'string' ? err.stack : ''
  let out: string

  if (stack === '') {
    out = header
  } else if (stack.startsWith(header)) {
    out = stack
  } else {
    out = `${header}\n${stack}`
  }

  if (depth >= MAX_ERROR_DEPTH) {
    return out
  }

  if (Array.isArray(err.errors)) {
    for (const inner of err.errors.slice(0, MAX_INNER_ERRORS)) {
      out += '\n' + indent(describeError(inner, depth + 1))
    }

    if (err.errors.length > MAX_INNER_ERRORS) {
      out += `\n  ...and ${err.errors.length - MAX_INNER_ERRORS} more`
    }
  }

  if (err.cause != null) {
    out += '\nCaused by: ' + describeError(err.cause, depth + 1)
  }

  return out
}

/** `%e`: an error as `name: message`, with its stack, inner errors and cause when present */
export function formatError (err: unknown): string {
  return describeError(err, 0)
}

export const formatters: Record<string, Formatter> = {
  b: bytesFormatter(bytes => base58btc.baseEncode(bytes)),
  t: bytesFormatter(bytes => base32.baseEncode(bytes)),
  m: bytesFormatter(bytes => base64.baseEncode(bytes)),
  p: stringFormatter,
  c: stringFormatter,
  k: stringFormatter,
  a: stringFormatter,
  e: formatError
}
