/**
 * @packageDocumentation
 *
 * The runnable node: the `libp2p` bin (`demo | listen | ping <multiaddr> | relay | perf`, see
 * README.md). This module exports the pieces a program or test can reuse.
 */
export { startNode, ECHO_PROTOCOL } from './node.js'
export type { Node, NodeOptions } from './node.js'
export { demo } from './demo.js'
