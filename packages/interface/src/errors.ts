/**
 * Every error the stack throws is a class with a static `name`, so callers compare
 * `err.name === SomeError.name` across package copies instead of using `instanceof`.
 * Errors that cross the wire carry their wire code in a `code` field of the subclass.
 */

/** The operation was aborted through an AbortSignal or by closing its owner */
export class AbortError extends Error {
  static name = 'AbortError'
  name = 'AbortError'
  constructor (message = 'The operation was aborted') { super(message) }
}

/** A network wait ran past its deadline */
export class TimeoutError extends Error {
  static name = 'TimeoutError'
  name = 'TimeoutError'
  constructor (message = 'The operation timed out') { super(message) }
}

/** A caller passed an argument that cannot work */
export class InvalidParametersError extends Error {
  static name = 'InvalidParametersError'
  name = 'InvalidParametersError'
}

/** Bytes from the network could not be decoded (bad framing, bad varint, truncated protobuf...) */
export class InvalidMessageError extends Error {
  static name = 'InvalidMessageError'
  name = 'InvalidMessageError'
}

/** The remote broke the rules of a protocol (unexpected message, wrong state) */
export class ProtocolError extends Error {
  static name = 'ProtocolError'
  name = 'ProtocolError'
}

/** Protocol negotiation found nothing both sides speak */
export class UnsupportedProtocolError extends Error {
  static name = 'UnsupportedProtocolError'
  name = 'UnsupportedProtocolError'
}

/** A bounded resource is full. The message says which limit, its value and how to raise it */
export class LimitExceededError extends Error {
  static name = 'LimitExceededError'
  name = 'LimitExceededError'
  /** the option that sets this limit, e.g. `maxInboundStreams` */
  readonly limit: string
  /** the value in force */
  readonly value: number

  constructor (limit: string, value: number, what: string) {
    super(`${what}: limit ${limit}=${value} reached (raise it with the ${limit} option)`)
    this.limit = limit
    this.value = value
  }
}

/** A message is larger than the protocol or this node allows */
export class MessageTooLargeError extends Error {
  static name = 'MessageTooLargeError'
  name = 'MessageTooLargeError'
}

/** Bytes do not form a valid public key of the stated type */
export class InvalidPublicKeyError extends Error {
  static name = 'InvalidPublicKeyError'
  name = 'InvalidPublicKeyError'
}

/** Bytes do not form a valid private key of the stated type */
export class InvalidPrivateKeyError extends Error {
  static name = 'InvalidPrivateKeyError'
  name = 'InvalidPrivateKeyError'
}

/** A signature did not verify where one was required */
export class InvalidSignatureError extends Error {
  static name = 'InvalidSignatureError'
  name = 'InvalidSignatureError'
}

/** A key type this build does not know */
export class UnsupportedKeyTypeError extends Error {
  static name = 'UnsupportedKeyTypeError'
  name = 'UnsupportedKeyTypeError'
}

/** A string, CID or multihash is not a peer id */
export class InvalidPeerIdError extends Error {
  static name = 'InvalidPeerIdError'
  name = 'InvalidPeerIdError'
}

/** A multiaddr cannot be used for the requested operation */
export class InvalidMultiaddrError extends Error {
  static name = 'InvalidMultiaddrError'
  name = 'InvalidMultiaddrError'
}

/** No transport can dial or listen on the given address */
export class UnsupportedTransportError extends Error {
  static name = 'UnsupportedTransportError'
  name = 'UnsupportedTransportError'
}

/** Dialling failed; `errors` holds the per-address causes */
export class DialError extends Error {
  static name = 'DialError'
  name = 'DialError'
  readonly errors: Error[]
  constructor (message: string, errors: Error[] = []) {
    super(message)
    this.errors = errors
  }
}

/** The encrypter proved a peer other than the one dialled */
export class UnexpectedPeerError extends Error {
  static name = 'UnexpectedPeerError'
  name = 'UnexpectedPeerError'
}

/** The connection encrypter failed its handshake */
export class EncryptionFailedError extends Error {
  static name = 'EncryptionFailedError'
  name = 'EncryptionFailedError'
}

/** The stream muxer could not be set up */
export class MuxerUnavailableError extends Error {
  static name = 'MuxerUnavailableError'
  name = 'MuxerUnavailableError'
}

/** The connection gater refused the connection at some stage */
export class ConnectionDeniedError extends Error {
  static name = 'ConnectionDeniedError'
  name = 'ConnectionDeniedError'
}

/**
 * A transport could not establish a connection (nothing listens at the address, the listener
 * refused it, the peer connection failed before it connected); `cause` holds the reason when there is one
 */
export class ConnectionFailedError extends Error {
  static name = 'ConnectionFailedError'
  name = 'ConnectionFailedError'
}

/** A listener could not take its address (in use, not permitted, not local...); `cause` holds the reason */
export class ListenError extends Error {
  static name = 'ListenError'
  name = 'ListenError'
}

/** The connection (or its muxer) is closed, so nothing more can be done on it */
export class ConnectionClosedError extends Error {
  static name = 'ConnectionClosedError'
  name = 'ConnectionClosedError'
}

/** The remote reset the stream, or it was reset locally */
export class StreamResetError extends Error {
  static name = 'StreamResetError'
  name = 'StreamResetError'
}

/** The stream is not in a state that allows the operation (e.g. write after closeWrite) */
export class StreamStateError extends Error {
  static name = 'StreamStateError'
  name = 'StreamStateError'
}

/** A stream's read or write buffer passed js-libp2p's hard cap (maxReadBufferLength / maxWriteBufferLength): the stream is aborted */
export class StreamBufferError extends Error {
  static name = 'StreamBufferError'
  name = 'StreamBufferError'
}

/** The operation needs a started component */
export class NotStartedError extends Error {
  static name = 'NotStartedError'
  name = 'NotStartedError'
}

/** A lookup found nothing */
export class NotFoundError extends Error {
  static name = 'NotFoundError'
  name = 'NotFoundError'
}

// js-libp2p 3 exports the classes below too. Code written for it imports them and compares
// `err.name` with them, so they exist here under the same names; docs/ERRORS.md says which of
// them this stack throws and what it throws instead for the others.

/** start() was called on something that already runs */
export class AlreadyStartedError extends Error {
  static name = 'AlreadyStartedError'
  name = 'AlreadyStartedError'
  constructor (message = 'Already started') { super(message) }
}

/** The connection is closing: no new streams */
export class ConnectionClosingError extends Error {
  static name = 'ConnectionClosingError'
  name = 'ConnectionClosingError'
  constructor (message = 'The connection is closing') { super(message) }
}

/** The muxer is closed: no new streams */
export class MuxerClosedError extends Error {
  static name = 'MuxerClosedError'
  name = 'MuxerClosedError'
  constructor (message = 'The muxer is closed') { super(message) }
}

/** The stream was aborted locally */
export class StreamAbortedError extends Error {
  static name = 'StreamAbortedError'
  name = 'StreamAbortedError'
  constructor (message = 'The stream was aborted') { super(message) }
}

/** A protocol may not run on a limited (relayed) connection unless it opts in */
export class LimitedConnectionError extends Error {
  static name = 'LimitedConnectionError'
  name = 'LimitedConnectionError'
  constructor (message = 'Limited connection') { super(message) }
}

/** A key exchange or handshake message did not make sense */
export class InvalidCryptoExchangeError extends Error {
  static name = 'InvalidCryptoExchangeError'
  name = 'InvalidCryptoExchangeError'
  constructor (message = 'Invalid crypto exchange') { super(message) }
}

/** Bytes or a string are not a CID */
export class InvalidCIDError extends Error {
  static name = 'InvalidCIDError'
  name = 'InvalidCIDError'
  constructor (message = 'Invalid CID') { super(message) }
}

/** Bytes are not a multihash (or not one of a supported hash) */
export class InvalidMultihashError extends Error {
  static name = 'InvalidMultihashError'
  name = 'InvalidMultihashError'
  constructor (message = 'Invalid multihash') { super(message) }
}

/** The call is not supported by this implementation of an interface */
export class UnsupportedOperationError extends Error {
  static name = 'UnsupportedOperationError'
  name = 'UnsupportedOperationError'
  constructor (message = 'Unsupported operation') { super(message) }
}

/** The call is part of the interface but not implemented yet */
export class NotImplementedError extends Error {
  static name = 'NotImplementedError'
  name = 'NotImplementedError'
  constructor (message = 'Not implemented') { super(message) }
}

/** js-libp2p's error for a handler's maxInboundStreams; this stack throws LimitExceededError('maxInboundStreams', ...) */
export class TooManyInboundProtocolStreamsError extends Error {
  static name = 'TooManyInboundProtocolStreamsError'
  name = 'TooManyInboundProtocolStreamsError'
  constructor (message = 'Too many inbound protocol streams') { super(message) }
}

/** js-libp2p's error for maxOutboundStreams; this stack throws LimitExceededError('maxOutboundStreams', ...) */
export class TooManyOutboundProtocolStreamsError extends Error {
  static name = 'TooManyOutboundProtocolStreamsError'
  name = 'TooManyOutboundProtocolStreamsError'
  constructor (message = 'Too many outbound protocol streams') { super(message) }
}
