/** A handler is already registered for the protocol (pass `force: true` to replace it) */
export class DuplicateProtocolHandlerError extends Error {
  static name = 'DuplicateProtocolHandlerError'
  name = 'DuplicateProtocolHandlerError'
}

/** A protocol may not run on a limited (relayed) connection unless it opts in */
export class LimitedConnectionError extends Error {
  static name = 'LimitedConnectionError'
  name = 'LimitedConnectionError'
}

/** The node dialled itself */
export class DialToSelfError extends Error {
  static name = 'DialToSelfError'
  name = 'DialToSelfError'
}

/** No address of the peer is known or none survived filtering */
export class NoValidAddressesError extends Error {
  static name = 'NoValidAddressesError'
  name = 'NoValidAddressesError'
}
