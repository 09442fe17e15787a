/**
 * @packageDocumentation
 *
 * Predicates for comparing ids and addresses by value in tests, without sinon:
 *
 * ```ts
 * import { matchPeerId, matchMultiaddr } from '@libp2p/interface-compliance-tests/matchers'
 *
 * expect(connection.remotePeer).to.satisfy(matchPeerId(peerId))
 * expect(addrs.some(matchMultiaddr('/memory/a'))).to.equal(true)
 * ```
 */
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** true for a PeerId, multihash bytes or string naming the same peer as `expected` */
export function matchPeerId (expected: PeerId): (actual: unknown) => boolean {
  return (actual) => {
    if (typeof actual === 'string' || actual instanceof Uint8Array) { return expected.equals(actual) }
    const other = actual as PeerId | undefined
    return typeof other?.toMultihash === 'function' && expected.equals(other.toMultihash().bytes)
  }
}

/** true for a Multiaddr (or its string form) with the same bytes as `expected` */
export function matchMultiaddr (expected: Multiaddr | string): (actual: unknown) => boolean {
  const text = expected.toString()
  return (actual) => {
    if (typeof actual === 'string') { return actual === text }
    const other = actual as Multiaddr | undefined
    return typeof other?.toString === 'function' && other.bytes instanceof Uint8Array && other.toString() === text
  }
}
