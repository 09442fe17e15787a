/**
 * @packageDocumentation
 *
 * The contracts of the stack: each file holds one concept and its semantics. Implementations
 * live in their own packages; this one holds types, error classes and the small runtime pieces
 * every package needs identically (typed events, the Startable helpers).
 */
export * from './abort-options.js'
export * from './connection.js'
export * from './connection-encrypter.js'
export * from './connection-gater.js'
export * from './errors.js'
export * from './events.js'
export * from './keys.js'
export * from './logger.js'
export * from './metrics.js'
export * from './peer-id.js'
export * from './peer-store.js'
export * from './registrar.js'
export * from './startable.js'
export * from './stream.js'
export * from './stream-muxer.js'
export * from './transport.js'
export * from './routing.js'
export type { Multiaddr } from '@multiformats/multiaddr'
export * from './libp2p-events.js'
export * from './libp2p.js'
export * from './managers.js'
