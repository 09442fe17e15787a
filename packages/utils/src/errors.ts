/**
 * Errors of the stream helpers (`byteStream`, `lpStream`, `pbStream`), under the names js-libp2p 3's
 * `@libp2p/utils` gives them, so an application's `err.name` checks keep working.
 */

/** The helper was used after `unwrap()` handed its stream back */
export class UnwrappedError extends Error {
  static name = 'UnwrappedError'
  name = 'UnwrappedError'
}

/** The stream ended before a read had all the bytes it needed */
export class UnexpectedEOFError extends Error {
  static name = 'UnexpectedEOFError'
  name = 'UnexpectedEOFError'
}

/** A length prefix decoded to something other than a non-negative integer */
export class InvalidMessageLengthError extends Error {
  static name = 'InvalidMessageLengthError'
  name = 'InvalidMessageLengthError'
  code = 'ERR_INVALID_MSG_LENGTH'
}

/** A length prefix announced more data than `maxDataLength` allows */
export class InvalidDataLengthError extends Error {
  static name = 'InvalidDataLengthError'
  name = 'InvalidDataLengthError'
  code = 'ERR_MSG_DATA_TOO_LONG'
}

/** A length prefix took more bytes than `maxLengthLength` allows */
export class InvalidDataLengthLengthError extends Error {
  static name = 'InvalidDataLengthLengthError'
  name = 'InvalidDataLengthLengthError'
  code = 'ERR_MSG_LENGTH_TOO_LONG'
}
