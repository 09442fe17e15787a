/**
 * @packageDocumentation
 *
 * Helpers for the protocol packages' tests (private, never published): a whole node on the memory
 * transport in one call, and a bounded wait for an event.
 *
 * ```ts
 * import { createNode, nextEvent } from '@libp2p/test-fixtures'
 *
 * const a = await createNode({ services: { ping: ping() } })
 * const b = await createNode()
 * const connected = nextEvent(a, 'peer:connect')
 * await b.dial(a.getMultiaddrs())
 * await connected
 * ```
 *
 * It lives in its own package because it needs `libp2p`, whose own tests depend on
 * `@libp2p/interface-compliance-tests`: an export there would make a cycle.
 */
export { createNode, memoryAddr } from './memory-node.js'
export { nextEvent, DEFAULT_NEXT_EVENT_TIMEOUT_MS } from './next-event.js'
export type { NextEventOptions } from './next-event.js'
