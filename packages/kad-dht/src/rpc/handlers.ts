import { InvalidMessageError } from '@libp2p/interface'
import { equals as equalBytes } from 'uint8arrays/equals'
import { kadId } from '../kad-id.js'
import { peerIdFromBytes } from '../message/codec.js'
import { MessageType } from '../types.js'
import type { KadMessage } from '../message/codec.js'
import type { OperationContext } from '../operations/context.js'
import type { AbortOptions, PeerId, PeerInfo } from '@libp2p/interface'

/** What the request handlers read and write: the parts of the operations' context they need */
export type HandlerContext = Pick<OperationContext,
'self' | 'k' | 'peerStore' | 'connectionManager' | 'peerInfoMapper' | 'selfInfo' | 'closestPeers' | 'records' |
'providers' | 'encodeRecord' | 'decodeRecord'>

/**
 * Answers one request from `from`. Returns the reply, or undefined for requests that get none
 * (ADD_PROVIDER, as go sends none). Throws a typed error for a request that breaks the protocol;
 * the caller resets that stream only.
 */
export async function handleRequest (ctx: HandlerContext, from: PeerId, request: KadMessage, options: AbortOptions): Promise<KadMessage | undefined> {
  switch (request.type) {
    case MessageType.FIND_NODE: return findNode(ctx, from, keyOf(request), options)
    case MessageType.GET_VALUE: return getValue(ctx, from, keyOf(request), options)
    case MessageType.PUT_VALUE: return putValue(ctx, request, options)
    case MessageType.ADD_PROVIDER: return addProvider(ctx, from, request, options)
    case MessageType.GET_PROVIDERS: return getProviders(ctx, from, keyOf(request), options)
    // deprecated but still answered: go does, and an echo costs nothing
    case MessageType.PING: return { type: MessageType.PING, closer: [], providers: [] }
    default: throw new InvalidMessageError(`unsupported DHT message type ${String(request.type)}`)
  }
}

function keyOf (request: KadMessage): Uint8Array {
  if (request.key == null || request.key.byteLength === 0) {
    throw new InvalidMessageError(`${MessageType[request.type]} without a key`)
  }
  return request.key
}

/**
 * The k closest peers to `key` this node knows, with addresses from the peer store (peers without
 * any are left out: the asker could not reach them), never the asker itself.
 */
async function closerPeers (ctx: HandlerContext, from: PeerId, key: Uint8Array, options: AbortOptions): Promise<PeerInfo[]> {
  const out: PeerInfo[] = []
  for (const id of ctx.closestPeers(kadId(key), ctx.k + 1)) {
    if (id.equals(from) || out.length === ctx.k) { continue }
    const info = await peerInfo(ctx, id, options)
    if (info != null) { out.push(info) }
  }
  return out
}

async function peerInfo (ctx: HandlerContext, id: PeerId, options: AbortOptions): Promise<PeerInfo | undefined> {
  try {
    const info = ctx.peerInfoMapper(await ctx.peerStore.getInfo(id, options))
    return info.multiaddrs.length > 0 ? info : undefined
  } catch {
    return undefined
  }
}

async function findNode (ctx: HandlerContext, from: PeerId, key: Uint8Array, options: AbortOptions): Promise<KadMessage> {
  const target = peerIdFromBytes(key)
  if (target?.equals(ctx.self) === true) {
    return { type: MessageType.FIND_NODE, closer: [ctx.peerInfoMapper(ctx.selfInfo())], providers: [] }
  }
  const closer = await closerPeers(ctx, from, key, options)
  // a peer this node is connected to is the best answer for itself, table or not (go does the same)
  if (target != null && !target.equals(from) && !closer.some(p => p.id.equals(target)) && ctx.connectionManager.getConnections(target).length > 0) {
    const info = await peerInfo(ctx, target, options)
    if (info != null) { closer.unshift(info) }
  }
  return { type: MessageType.FIND_NODE, closer, providers: [] }
}

async function getValue (ctx: HandlerContext, from: PeerId, key: Uint8Array, options: AbortOptions): Promise<KadMessage> {
  const record = await ctx.records.get(key, options)
  return {
    type: MessageType.GET_VALUE,
    key,
    record: record == null ? undefined : ctx.encodeRecord(record),
    closer: await closerPeers(ctx, from, key, options),
    providers: []
  }
}

/** validates and stores the record (the store refuses invalid or oversized ones), then echoes the request */
async function putValue (ctx: HandlerContext, request: KadMessage, options: AbortOptions): Promise<KadMessage> {
  const key = keyOf(request)
  if (request.record == null) { throw new InvalidMessageError('PUT_VALUE without a record') }
  const record = ctx.decodeRecord(request.record)
  if (!equalBytes(record.key, key)) { throw new InvalidMessageError('PUT_VALUE record key differs from the message key') }
  await ctx.records.put({ key, value: record.value }, options)
  return { type: MessageType.PUT_VALUE, key, record: request.record, closer: [], providers: [] }
}

/** records only the providers that are the sender itself (spec), with the addresses it gave */
async function addProvider (ctx: HandlerContext, from: PeerId, request: KadMessage, options: AbortOptions): Promise<undefined> {
  const key = keyOf(request)
  for (const provider of request.providers) {
    if (!provider.id.equals(from)) { continue }
    await ctx.providers.addProvider(key, provider, options)
  }
  return undefined
}

async function getProviders (ctx: HandlerContext, from: PeerId, key: Uint8Array, options: AbortOptions): Promise<KadMessage> {
  const stored = await ctx.providers.getProviders(key, options)
  const providers: PeerInfo[] = []
  for (const provider of stored) {
    if (provider.multiaddrs.length > 0) {
      providers.push(ctx.peerInfoMapper(provider))
      continue
    }
    // no fresh addresses of its own: the peer store's, if any; else the id alone (the asker resolves it)
    providers.push(await peerInfo(ctx, provider.id, options) ?? { id: provider.id, multiaddrs: [] })
  }
  return { type: MessageType.GET_PROVIDERS, key, closer: await closerPeers(ctx, from, key, options), providers }
}
