/**
 * @packageDocumentation
 *
 * The runnable node. `libp2p-node demo | listen | ping <multiaddr>`.
 */
export { startNode, ECHO_PROTOCOL } from './node.js'
export type { Node, NodeOptions } from './node.js'
export { demo } from './demo.js'
