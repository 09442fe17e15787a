/** A handler is already registered for the protocol (pass `force: true` to replace it) */
export class DuplicateProtocolHandlerError extends Error {
  static name = 'DuplicateProtocolHandlerError'
  name = 'DuplicateProtocolHandlerError'
}

// js-libp2p 3 exports this one from @libp2p/interface, so it lives there now
export { LimitedConnectionError } from '@libp2p/interface'

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

/** peerRouting was asked something with no peer router configured (js-libp2p's name) */
export class NoPeerRoutersError extends Error {
  static name = 'NoPeerRoutersError'
  name = 'NoPeerRoutersError'
}

/** contentRouting was asked something with no content router configured (js-libp2p's name) */
export class NoContentRoutersError extends Error {
  static name = 'NoContentRoutersError'
  name = 'NoContentRoutersError'
}

/** peerRouting.findPeer was asked for this node itself */
export class QueriedForSelfError extends Error {
  static name = 'QueriedForSelfError'
  name = 'QueriedForSelfError'
}

/** A service needs a capability (serviceDependencies) that no configured component provides */
export class UnmetServiceDependenciesError extends Error {
  static name = 'UnmetServiceDependenciesError'
  name = 'UnmetServiceDependenciesError'
}
