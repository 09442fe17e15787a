/**
 * @packageDocumentation
 *
 * A WebSocket transport for Node.js and browsers.
 *
 * Node dials and listens on `ws` and `wss` (with the `ws` library), over IPv4 and IPv6. Browsers
 * dial with the native WebSocket and never listen; a page served over https never dials plain
 * `ws` (mixed content).
 *
 * Dialling accepts every address form of the spec: `/ip4|ip6|dns4|dns6|dns/<host>` followed by
 * `/tcp/<port>` (optional: 80 for ws, 443 for wss) and `/ws`, `/wss`, `/tls/ws` or
 * `/tls/sni/<name>/ws`, optionally `/http-path/<path>` and `/p2p/<id>`. `/dnsaddr` addresses are
 * resolved by the node before they reach a transport. Listeners publish `/ws` for ws and
 * `/tls/ws` for wss (as go-libp2p does), whichever form they were given.
 *
 * ```ts
 * import { createLibp2p } from 'libp2p'
 * import { webSockets } from '@libp2p/websockets'
 *
 * const node = await createLibp2p({
 *   addresses: { listen: ['/ip4/0.0.0.0/tcp/443/tls/ws'] },
 *   transports: [webSockets({ https: { cert, key } })]
 * })
 * ```
 *
 * To share a port with pages or metrics, pass the HTTP server: the listener then only handles
 * upgrade requests on it, and binds it if it is not listening yet.
 *
 * ```ts
 * const server = http.createServer((req, res) => { res.end('metrics...') })
 * webSockets({ httpServer: server })  // and listen on /ip4/0.0.0.0/tcp/8080/ws
 * ```
 *
 * WebSocket has no half-close: `closeWrite()` sends a close frame (code 1000) once the write
 * buffer is flushed, and the remote's WebSocket answers it at once, which ends its writing too.
 * The remote reads everything sent before, then EOF; what it had not sent yet is lost. See
 * README.md for the full mapping of docs/STREAMS.md onto WebSocket.
 */
import { validateInit } from '@libp2p/utils'
import { WEBSOCKETS_INIT_SCHEMA } from './init-schema.js'
import { WebSocketsTransport } from './transport.js'
import type { WebSocketsComponents, WebSocketsInit } from './types.js'
import type { Transport } from '@libp2p/interface'

/** The WebSocket transport factory: `transports: [webSockets()]` */
export function webSockets (init: WebSocketsInit = {}): (components: WebSocketsComponents) => Transport {
  validateInit('webSockets()', init, WEBSOCKETS_INIT_SCHEMA)
  return (components) => new WebSocketsTransport(init, components)
}

export type { WebSocketsComponents, WebSocketsInit, WebSocketsListener } from './types.js'
export { ListenError } from '@libp2p/interface'
export * from './constants.js'
