import { mapConcurrently } from '@libp2p/utils'
import { LOCAL_PATH, peerResponseEvent, providerEvent, sendQueryEvent } from '../query/events.js'
import { queryError } from '../query/lookup.js'
import { SignalGroup } from '../signal-group.js'
import { EventTypes, MessageType } from '../types.js'
import { ask, lookupFor, remember, underDeadline } from './context.js'
import { closestPeersInto } from './peer-routing.js'
import type { OperationContext } from './context.js'
import type { KadMessage } from '../message/codec.js'
import type { QueryEvent } from '../types.js'
import type { PeerId, PeerInfo, RoutingOptions } from '@libp2p/interface'

export interface FindProvidersOptions extends RoutingOptions {
  /** stop once this many distinct providers were found (default k) */
  maxProviders?: number
}

/** Provider keys are multihashes (spec): a CID's multihash bytes */
export async function * provide (ctx: OperationContext, key: Uint8Array, options: RoutingOptions = {}): AsyncGenerator<QueryEvent, void, undefined> {
  await ctx.providers.addProvider(key, { id: ctx.self, multiaddrs: [] }, options)
  const closest: PeerId[] = []
  yield * closestPeersInto(ctx, key, closest, options)
  const me = ctx.peerInfoMapper(ctx.selfInfo())
  const message: KadMessage = { type: MessageType.ADD_PROVIDER, key, closer: [], providers: [me] }
  yield * underDeadline(ctx, options, async function * (signal) {
    const requests = new SignalGroup(signal)
    const sends = mapConcurrently(closest, async (peer): Promise<QueryEvent[]> => {
      const sent = sendQueryEvent(peer, MessageType.ADD_PROVIDER, LOCAL_PATH)
      const request = requests.child()
      try {
        await ctx.network.send(peer, message, { signal: request.signal })
        return [sent, peerResponseEvent(peer, MessageType.ADD_PROVIDER, LOCAL_PATH)]
      } catch (err) {
        return [sent, queryError(peer, err, LOCAL_PATH)]
      } finally {
        request.done()
      }
    }, ctx.alpha)
    for await (const events of sends) { yield * events }
  })
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
    const lookup = lookupFor(ctx, key, signal, (peer, query) => ask(ctx, peer, message, query))
    for await (const event of lookup.run()) {
      yield event
      if (event.type !== EventTypes.PEER_RESPONSE) { continue }
      const providers = fresh(await remember(ctx, event.providers))
      if (providers.length > 0) { yield providerEvent(event.from, providers, event.path) }
      if (seen.size >= max) { return }
    }
  })
}
