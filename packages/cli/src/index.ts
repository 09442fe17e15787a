/**
 * @packageDocumentation
 *
 * The runnable node: the `libp2p` bin (`node | id | ping | listen | dht | relay | chat | demo | perf`,
 * see README.md). This module exports the pieces a program or test can reuse.
 */
export { startNode, ECHO_PROTOCOL } from './node.js'
export type { Node, NodeOptions } from './node.js'
export { demo } from './demo.js'
