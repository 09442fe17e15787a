/**
 * @packageDocumentation
 *
 * A TCP transport for Node.js: dials and listens on `/ip4/.../tcp/N` and `/ip6/.../tcp/N`, and
 * dials `/dns4|dns6|dns/<name>/tcp/N` (node:net resolves the name). Every socket has
 * TCP_NODELAY set, keep-alive (both can be turned off per direction with `dialOpts` / `listenOpts`),
 * an inactivity timeout and half-close.
 *
 * ```ts
 * import { createLibp2p } from 'libp2p'
 * import { tcp } from '@libp2p/tcp'
 *
 * const node = await createLibp2p({
 *   addresses: { listen: ['/ip4/0.0.0.0/tcp/0', '/ip6/::/tcp/0'] },
 *   transports: [tcp({ maxConnections: 512 })]
 * })
 * ```
 *
 * In browsers `tcp()` returns a transport that can dial and listen on nothing (its filters return
 * no addresses), so a configuration shared between Node and browsers needs no special case.
 */
import { validateInit } from '@libp2p/utils'
import { TCP_INIT_SCHEMA } from './init-schema.js'
import { TCPTransport } from './transport.js'
import type { TCPComponents, TCPInit } from './types.js'
import type { Transport } from '@libp2p/interface'

/** The TCP transport factory: `transports: [tcp()]`; a bad option throws InvalidParametersError here */
export function tcp (init: TCPInit = {}): (components: TCPComponents) => Transport {
  validateInit('tcp()', init, TCP_INIT_SCHEMA)
  return (components) => new TCPTransport(init, components)
}

export type { CloseServerOnMaxConnectionsOpts, TCPComponents, TCPInit, TCPListener, TCPOptions, TCPSocketOptions } from './types.js'
export { ListenError } from '@libp2p/interface'
export * from './constants.js'
