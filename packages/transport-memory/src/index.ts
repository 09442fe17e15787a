/**
 * @packageDocumentation
 *
 * An in-process transport for tests and simulation. Listeners register `/memory/<id>` addresses
 * in a table shared by the whole JS realm (Node process, page or worker); dialling one pairs two
 * in-memory byte streams (no copies, real back-pressure) and hands them to the upgrader.
 *
 * ```ts
 * import { memory } from '@libp2p/memory'
 * import { multiaddr } from '@multiformats/multiaddr'
 *
 * const transport = memory({ latency: 5 })({ logger })
 * const listener = transport.createListener({ upgrader })
 * await listener.listen(multiaddr('/memory/node-a'))
 * const connection = await transport.dial(multiaddr('/memory/node-a'), { upgrader, signal })
 * ```
 *
 * Errors: dialling an address nobody listens on (or a full listener) gives
 * `ConnectionFailedError`; listening on a taken address `AddressInUseError`; an aborted dial
 * `AbortError`. `listener.close()` stops accepting and closes its connections at once: the
 * other ends see EOF after the data already sent.
 */
import { validateInit } from '@libp2p/utils'
import { MEMORY_INIT_SCHEMA } from './init-schema.js'
import { MemoryTransport, latencyOf } from './transport.js'
import type { MemoryTransportComponents, MemoryTransportInit } from './transport.js'
import type { Transport } from '@libp2p/interface'

export { ConnectionFailedError } from '@libp2p/interface'
export { AddressInUseError } from './errors.js'
export { DEFAULT_LATENCY_MS, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_IN_FLIGHT_BYTES } from './constants.js'
export type { MemoryTransportComponents, MemoryTransportInit, MemoryCreateListenerOptions } from './transport.js'
export type { MemoryConnection } from './memory-connection.js'
export type { MemoryListener } from './listener.js'

/** the memory transport factory: `memory(init)(components)` */
export function memory (init: MemoryTransportInit = {}): (components: MemoryTransportComponents) => Transport {
  validateInit('memory()', init, MEMORY_INIT_SCHEMA)
  latencyOf(init)
  return (components) => new MemoryTransport(init, components)
}
