import { finalPeerEvent, LOCAL_PATH } from '../query/events.js'
import { EventTypes, MessageType } from '../types.js'
import { ask, lookupFor, remember, underDeadline } from './context.js'
import type { OperationContext } from './context.js'
import type { QueryEvent } from '../types.js'
import type { PeerId, PeerInfo, RoutingOptions } from '@libp2p/interface'

/**
 * The k closest peers to `key`: the lookup's events, then a FINAL_PEER for each of the k closest
 * peers that answered, closest first.
 */
export async function * getClosestPeers (ctx: OperationContext, key: Uint8Array, options: RoutingOptions = {}): AsyncGenerator<QueryEvent, void, undefined> {
  yield * underDeadline(ctx, options, async function * (signal) {
    const lookup = await lookupFor(ctx, key, signal, (peer, query) => ask(ctx, peer, findNode(key), query))
    yield * lookup.run()
    const closest = lookup.closest(ctx.k)
    ctx.onLookupDone?.(key, closest)
    for (const id of closest) {
      yield finalPeerEvent(ctx.self, await knownInfo(ctx, id), LOCAL_PATH)
    }
  })
}

/**
 * A peer's addresses: from the peer store when known (unless `useCache: false`), else from a
 * lookup of its id, which ends as soon as some peer returns it with addresses (FINAL_PEER).
 * Nothing is yielded but the lookup's events when it is not found.
 */
export async function * findPeer (ctx: OperationContext, id: PeerId, options: RoutingOptions = {}): AsyncGenerator<QueryEvent, void, undefined> {
  if (options.useCache !== false) {
    const known = await knownInfo(ctx, id)
    if (known.multiaddrs.length > 0) {
      yield finalPeerEvent(ctx.self, known, LOCAL_PATH)
      return
    }
  }
  if (options.useNetwork === false) { return }
  const key = id.toMultihash().bytes
  yield * underDeadline(ctx, options, async function * (signal) {
    const lookup = await lookupFor(ctx, key, signal, (peer, query) => ask(ctx, peer, findNode(key), query))
    for await (const event of lookup.run()) {
      yield event
      if (event.type !== EventTypes.PEER_RESPONSE) { continue }
      const found = event.closer.find(p => p.id.equals(id) && p.multiaddrs.length > 0)
      if (found != null) {
        // a dial by id right after findPeer finds the addresses (replies' peers are not stored as such)
        await remember(ctx, [found])
        yield finalPeerEvent(event.from, found, event.path)
        return
      }
    }
  })
}

export function findNode (key: Uint8Array): { type: MessageType, key: Uint8Array, closer: [], providers: [] } {
  return { type: MessageType.FIND_NODE, key, closer: [], providers: [] }
}

/**
 * The closest-peer lookup of a put or a provide: its events, except the FINAL_PEER ones, whose
 * peers are collected into `closest` for the second phase.
 */
export async function * closestPeersInto (ctx: OperationContext, key: Uint8Array, closest: PeerId[], options: RoutingOptions): AsyncGenerator<QueryEvent, void, undefined> {
  for await (const event of getClosestPeers(ctx, key, options)) {
    if (event.type === EventTypes.FINAL_PEER) {
      closest.push(event.peer.id)
    } else {
      yield event
    }
  }
}

/** the peer's info from the peer store (mapped), or just its id */
export async function knownInfo (ctx: OperationContext, id: PeerId): Promise<PeerInfo> {
  try {
    return ctx.peerInfoMapper(await ctx.peerStore.getInfo(id))
  } catch {
    return { id, multiaddrs: [] }
  }
}
