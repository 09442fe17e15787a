import { anySignal, mapConcurrently } from '@libp2p/utils'
import { kadId, peerKadId } from '../kad-id.js'
import { normalisedDistance } from '../netsize.js'
import { LOCAL_PATH, peerResponseEvent, providerEvent, sendQueryEvent } from '../query/events.js'
import { queryError } from '../query/lookup.js'
import { EventTypes, MessageType } from '../types.js'
import { ask, lookupFor, remember, underDeadline } from './context.js'
import { closestPeersInto, findNode } from './peer-routing.js'
import type { OperationContext } from './context.js'
import type { KadMessage } from '../message/codec.js'
import type { QueryEvent } from '../types.js'
import type { PeerId, PeerInfo, RoutingOptions } from '@libp2p/interface'

export interface FindProvidersOptions extends RoutingOptions {
  /** stop once this many distinct providers were found (default k) */
  maxProviders?: number
}

/** of k, the share of optimistic provider records stored before the lookup is cut short (go's 0.75) */
const OPTIMISTIC_RETURN_RATIO = 0.75

/**
 * Announces this node as a provider of `key` (a CID's multihash, spec) to the k closest peers.
 * With `optimisticProvide` and a network size estimate, records go to peers as soon as the lookup
 * meets them, when they sit closer than the expected distance of the k-th closest peer (go's
 * optimistic provide), and the lookup ends once three quarters of k are stored; the rest go to the
 * closest peers found by then.
 */
export async function * provide (ctx: OperationContext, key: Uint8Array, options: RoutingOptions = {}): AsyncGenerator<QueryEvent, void, undefined> {
  await ctx.providers.addProvider(key, { id: ctx.self, multiaddrs: [] }, options)
  const me = ctx.peerInfoMapper(ctx.selfInfo())
  const message: KadMessage = { type: MessageType.ADD_PROVIDER, key, closer: [], providers: [me] }
  const size = ctx.optimisticProvide === true ? ctx.networkSize?.() : undefined
  const closest: PeerId[] = []
  const sent = new Set<string>()
  if (size == null) {
    yield * closestPeersInto(ctx, key, closest, options)
  } else {
    yield * optimisticLookup(ctx, key, size, message, { sent, closest }, options)
  }
  const rest = closest.filter(p => !sent.has(p.toString())).slice(0, Math.max(0, ctx.k - sent.size))
  yield * underDeadline(ctx, options, async function * (signal) {
    const sends = mapConcurrently(rest, async peer => addProviderTo(ctx, peer, message, signal), ctx.alpha)
    for await (const events of sends) { yield * events }
  })
}

async function * optimisticLookup (ctx: OperationContext, key: Uint8Array, size: number, message: KadMessage, into: { sent: Set<string>, closest: PeerId[] }, options: RoutingOptions): AsyncGenerator<QueryEvent, void, undefined> {
  const target = kadId(key)
  // the expected normalised distance of the k-th closest peer in a network of `size`
  const threshold = ctx.k / (size + 1)
  const enough = Math.ceil(ctx.k * OPTIMISTIC_RETURN_RATIO)
  yield * underDeadline(ctx, options, async function * (signal) {
    const stores: Array<Promise<QueryEvent[]>> = []
    const count = { stored: 0 }
    const store = async (peer: PeerId): Promise<QueryEvent[]> => {
      // SEND_QUERY was yielded when the store began, in the lookup's flow: keep the outcome only
      const [, outcome] = await addProviderTo(ctx, peer, message, signal)
      if (outcome.type === EventTypes.PEER_RESPONSE) { count.stored++ }
      return [outcome]
    }
    const lookup = await lookupFor(ctx, key, signal, (peer, query) => ask(ctx, peer, findNode(key), query))
    for await (const event of lookup.run()) {
      yield event
      if (event.type === EventTypes.PEER_RESPONSE && !into.sent.has(event.from.toString()) &&
        normalisedDistance(target, peerKadId(event.from)) <= threshold) {
        into.sent.add(event.from.toString())
        yield sendQueryEvent(event.from, MessageType.ADD_PROVIDER, LOCAL_PATH)
        stores.push(store(event.from))
      }
      if (count.stored >= enough) { break }
    }
    into.closest.push(...lookup.closest(ctx.k))
    for (const events of await Promise.all(stores)) { yield * events }
  })
}

/** ADD_PROVIDER to one peer: SEND_QUERY, then PEER_RESPONSE once sent (there is no reply) or QUERY_ERROR */
async function addProviderTo (ctx: OperationContext, peer: PeerId, message: KadMessage, signal: AbortSignal): Promise<QueryEvent[]> {
  const sent = sendQueryEvent(peer, MessageType.ADD_PROVIDER, LOCAL_PATH)
  const request = anySignal(signal)
  try {
    await ctx.network.send(peer, message, { signal: request.signal })
    return [sent, peerResponseEvent(peer, MessageType.ADD_PROVIDER, LOCAL_PATH)]
  } catch (err) {
    return [sent, queryError(peer, err, LOCAL_PATH)]
  } finally {
    request.done()
  }
}

/**
 * Providers of `key`: the ones stored here first, then GET_PROVIDERS through the lookup. Each
 * provider is reported once, in a PROVIDER event of the peer that named it; the query ends once
 * `maxProviders` are found or the lookup ends.
 */
export async function * findProviders (ctx: OperationContext, key: Uint8Array, options: FindProvidersOptions = {}): AsyncGenerator<QueryEvent, void, undefined> {
  const max = options.maxProviders ?? ctx.k
  const seen = new Set<string>()
  const fresh = (providers: PeerInfo[]): PeerInfo[] => providers.filter(p => {
    if (seen.size >= max || seen.has(p.id.toString())) { return false }
    seen.add(p.id.toString())
    return true
  })
  if (options.useCache !== false) {
    const local = fresh(await ctx.providers.getProviders(key, options))
    if (local.length > 0) { yield providerEvent(ctx.self, local.map(p => p.id.equals(ctx.self) ? ctx.peerInfoMapper(ctx.selfInfo()) : p), LOCAL_PATH) }
  }
  if (options.useNetwork === false || seen.size >= max) { return }
  const message: KadMessage = { type: MessageType.GET_PROVIDERS, key, closer: [], providers: [] }
  yield * underDeadline(ctx, options, async function * (signal) {
    const lookup = await lookupFor(ctx, key, signal, (peer, query) => ask(ctx, peer, message, query))
    for await (const event of lookup.run()) {
      yield event
      if (event.type !== EventTypes.PEER_RESPONSE) { continue }
      const providers = fresh(await remember(ctx, event.providers))
      if (providers.length > 0) { yield providerEvent(event.from, providers, event.path) }
      if (seen.size >= max) { return }
    }
  })
}
