import { withTimeout } from '@libp2p/utils'
import { QUERY_TIMEOUT_MS } from '../constants.js'
import { kadId } from '../kad-id.js'
import { dialPeerEvent, peerResponseEvent, sendQueryEvent } from '../query/events.js'
import { Lookup, queryError } from '../query/lookup.js'
import type { KadMessage } from '../message/codec.js'
import type { Network } from '../network.js'
import type { QueryContext } from '../query/lookup.js'
import type { DHTRecord, PeerInfoMapper, QueryEvent, Selectors, Validators } from '../types.js'
import type { AbortOptions, ConnectionManager, Logger, PeerId, PeerInfo, PeerStore, RoutingOptions } from '@libp2p/interface'

/** What the DHT's operations share: the parts they query, store in and learn from */
export interface OperationContext {
  self: PeerId
  k: number
  alpha: number
  disjointPaths: number
  /** ms a whole query may take when the caller gives no signal */
  queryTimeout?: number
  network: Network
  peerStore: PeerStore
  connectionManager: ConnectionManager
  peerInfoMapper: PeerInfoMapper
  log: Logger
  selfInfo(): PeerInfo
  /** the routing table's closest peers to a kad id */
  closestPeers(target: Uint8Array, count: number): PeerId[]
  /** a peer answered a DHT request: it speaks the protocol in server mode */
  onPeerAnswered(peer: PeerId): void
  /** a lookup toward `key` ended with these closest peers (feeds the network size estimate) */
  onLookupDone?(key: Uint8Array, closest: PeerId[]): void
  /**
   * resolves once the routing table has a peer (at once when it has one, or when queries on an
   * empty table are allowed); rejects with the signal's reason
   */
  waitForPeers?(signal: AbortSignal): Promise<void>
  /** the estimated number of DHT servers, once enough lookups finished */
  networkSize?(): number | undefined
  /** send provider records to close peers as the lookup finds them (go's optimistic provide) */
  optimisticProvide?: boolean
  records: {
    get(key: Uint8Array, options?: AbortOptions): Promise<DHTRecord | undefined>
    put(record: DHTRecord, options?: AbortOptions): Promise<unknown>
  }
  providers: {
    addProvider(key: Uint8Array, provider: PeerInfo, options?: AbortOptions): Promise<void>
    getProviders(key: Uint8Array, options?: AbortOptions): Promise<PeerInfo[]>
  }
  validators: Validators
  selectors: Selectors
  verifyRecord(key: Uint8Array, value: Uint8Array, options?: AbortOptions): Promise<void>
  bestRecord(key: Uint8Array, values: Uint8Array[]): Promise<number>
  encodeRecord(record: DHTRecord): Uint8Array
  decodeRecord(bytes: Uint8Array): DHTRecord
}

/** runs `fn` under the query's deadline: the caller's signal, or the default query timeout when it gives none */
export async function * underDeadline<T> (ctx: OperationContext, options: RoutingOptions, fn: (signal: AbortSignal) => AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const deadline = options.signal == null
    ? withTimeout(ctx.queryTimeout ?? QUERY_TIMEOUT_MS, 'the DHT query')
    : withTimeout(2 ** 31 - 1, 'the DHT query', options.signal)
  try {
    yield * fn(deadline.signal)
  } finally {
    deadline.done()
  }
}

/**
 * Sends `message` to `peer` as one step of a lookup: DIAL_PEER when there is no connection yet
 * (the addresses the lookup was given for it are stored in the peer store first, so the dial by id
 * finds them), SEND_QUERY, then PEER_RESPONSE with the reply's closer peers (mapped by the peer
 * info mapper) or QUERY_ERROR. Returns the reply through `onReply`.
 *
 * The closer peers of a reply are not stored: most are never asked (a lookup asks only peers
 * among the k closest it has seen), and storing every peer named in every reply made each node's
 * peer store grow with the whole network (a write per peer named: 20 per reply).
 */
export async function * ask (ctx: OperationContext, peer: PeerId, message: KadMessage, query: QueryContext, onReply?: (reply: KadMessage) => Promise<Partial<{ record: DHTRecord }> | undefined>): AsyncGenerator<QueryEvent, void, undefined> {
  if (ctx.connectionManager.getConnections(peer).length === 0) {
    if (query.multiaddrs != null && query.multiaddrs.length > 0) { await remember(ctx, [{ id: peer, multiaddrs: query.multiaddrs }]) }
    yield dialPeerEvent(peer, query.path)
  }
  yield sendQueryEvent(peer, message.type, query.path)
  let reply: KadMessage
  try {
    reply = await ctx.network.request(peer, message, { signal: query.signal })
  } catch (err) {
    yield queryError(peer, err, query.path)
    return
  }
  ctx.onPeerAnswered(peer)
  const closer = reply.closer.filter(p => !p.id.equals(ctx.self)).map(p => ctx.peerInfoMapper(p))
  let extra: Partial<{ record: DHTRecord }> | undefined
  try {
    extra = await onReply?.(reply)
  } catch (err) {
    yield queryError(peer, err, query.path)
    return
  }
  yield peerResponseEvent(peer, message.type, query.path, { closer, providers: reply.providers, record: extra?.record })
}

/** stores the peers' (mapped) addresses so they can be dialled by id, and returns the mapped infos */
export async function remember (ctx: OperationContext, peers: PeerInfo[]): Promise<PeerInfo[]> {
  const mapped = peers.map(p => ctx.peerInfoMapper(p))
  for (const peer of mapped) {
    if (peer.multiaddrs.length === 0) { continue }
    try {
      await ctx.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs })
    } catch (err) {
      ctx.log('could not store the addresses of %p - %e', peer.id, err)
    }
  }
  return mapped
}

/**
 * A lookup toward `key`, seeded from the routing table. On an empty table it first waits (bounded by
 * the query's signal) for a peer to join, as js-libp2p does, rather than ending at once with
 * nothing found or, for a put or a provide, stored nowhere.
 */
export async function lookupFor (ctx: OperationContext, key: Uint8Array, signal: AbortSignal, query: (peer: PeerId, context: QueryContext) => AsyncIterable<QueryEvent>): Promise<Lookup> {
  const target = kadId(key)
  await ctx.waitForPeers?.(signal)
  return new Lookup({
    target,
    seeds: ctx.closestPeers(target, ctx.k),
    self: ctx.self,
    k: ctx.k,
    alpha: ctx.alpha,
    disjointPaths: ctx.disjointPaths,
    query,
    signal
  })
}
