import { ProtocolError } from '@libp2p/interface'
import { anySignal, mapConcurrently } from '@libp2p/utils'
import { equals as equalBytes } from 'uint8arrays/equals'
import { GET_QUORUM } from '../constants.js'
import { drain } from '../drain.js'
import { LOCAL_PATH, valueEvent } from '../query/events.js'
import { EventTypes, MessageType } from '../types.js'
import { ask, lookupFor, underDeadline } from './context.js'
import { closestPeersInto } from './peer-routing.js'
import type { OperationContext } from './context.js'
import type { KadMessage } from '../message/codec.js'
import type { DHTRecord, QueryEvent } from '../types.js'
import type { PeerId, RoutingOptions } from '@libp2p/interface'

export interface GetOptions extends RoutingOptions {
  /** valid values to collect before the best is chosen (go's and rust's quorum; default 16) */
  quorum?: number
}

/**
 * Stores a value: validated and kept locally, then PUT_VALUE to the k closest peers. Yields the
 * closest-peer lookup's events, then SEND_QUERY and PEER_RESPONSE (or QUERY_ERROR) per put.
 */
export async function * put (ctx: OperationContext, key: Uint8Array, value: Uint8Array, options: RoutingOptions = {}): AsyncGenerator<QueryEvent, void, undefined> {
  await ctx.verifyRecord(key, value, options)
  const record: DHTRecord = { key, value, timeReceived: new Date() }
  await ctx.records.put(record, options)
  const message: KadMessage = { type: MessageType.PUT_VALUE, key, record: ctx.encodeRecord(record), closer: [], providers: [] }
  const closest: PeerId[] = []
  yield * closestPeersInto(ctx, key, closest, options)
  yield * underDeadline(ctx, options, async function * (signal) {
    const checkEcho = async (reply: KadMessage): Promise<undefined> => {
      if (reply.record == null || !equalBytes(ctx.decodeRecord(reply.record).value, value)) {
        throw new ProtocolError('PUT_VALUE reply does not echo the record')
      }
      return undefined
    }
    const puts = mapConcurrently(closest, async peer => {
      const request = anySignal(signal)
      try {
        return await collect(ask(ctx, peer, message, { signal: request.signal, path: LOCAL_PATH }, checkEcho))
      } finally {
        request.done()
      }
    }, ctx.alpha)
    for await (const events of puts) { yield * events }
  })
}

/**
 * Fetches a value: the local record counts as one answer, then GET_VALUE through the lookup until
 * `quorum` valid values are in or the lookup ends. Then one VALUE event, the best value (the
 * selector's choice), as js-libp2p yields it; the values themselves ride on the PEER_RESPONSE events. Peers that returned a worse value, and the
 * closest peers that had none, are sent the best one (spec: entry correction).
 */
export async function * get (ctx: OperationContext, key: Uint8Array, options: GetOptions = {}): AsyncGenerator<QueryEvent, void, undefined> {
  const quorum = Math.max(1, options.quorum ?? GET_QUORUM)
  const found: Array<{ from: PeerId, value: Uint8Array }> = []
  if (options.useCache !== false) {
    const local = await ctx.records.get(key, options)
    if (local != null) {
      found.push({ from: ctx.self, value: local.value })
    }
  }
  if (options.useNetwork !== false && found.length < quorum) {
    const message: KadMessage = { type: MessageType.GET_VALUE, key, closer: [], providers: [] }
    const readRecord = async (reply: KadMessage): Promise<{ record: DHTRecord } | undefined> => {
      if (reply.record == null) { return undefined }
      const record = ctx.decodeRecord(reply.record)
      if (!equalBytes(record.key, key)) { throw new ProtocolError('GET_VALUE reply carries a record for another key') }
      await ctx.verifyRecord(key, record.value, options)
      return { record }
    }
    const answered: PeerId[] = []
    yield * underDeadline(ctx, options, async function * (signal) {
      const lookup = await lookupFor(ctx, key, signal, (peer, query) => ask(ctx, peer, message, query, readRecord))
      for await (const event of lookup.run()) {
        yield event
        if (event.type !== EventTypes.PEER_RESPONSE || event.record == null) { continue }
        found.push({ from: event.from, value: event.record.value })
        if (found.length >= quorum) { break }
      }
      answered.push(...lookup.closest(ctx.k))
    })
    if (found.length > 0) { await correct(ctx, key, found, answered, options) }
  }
  if (found.length === 0) { return }
  const best = found[await ctx.bestRecord(key, found.map(f => f.value))]
  yield valueEvent(best.from, best.value, LOCAL_PATH)
}

/** sends the best value to peers that returned another and to the closest peers that had none; failures are only logged */
async function correct (ctx: OperationContext, key: Uint8Array, found: Array<{ from: PeerId, value: Uint8Array }>, closest: PeerId[], options: RoutingOptions): Promise<void> {
  const best = found[await ctx.bestRecord(key, found.map(f => f.value))].value
  const record = ctx.encodeRecord({ key, value: best })
  const outdated = found.filter(f => !equalBytes(f.value, best)).map(f => f.from)
  const missing = closest.filter(p => !found.some(f => f.from.equals(p)))
  const targets = [...outdated, ...missing]
  if (outdated.some(p => p.equals(ctx.self))) {
    await ctx.records.put({ key, value: best }, options).catch(err => { ctx.log('could not correct the local record - %e', err) })
  }
  const message: KadMessage = { type: MessageType.PUT_VALUE, key, record, closer: [], providers: [] }
  const sends = mapConcurrently(targets.filter(p => !p.equals(ctx.self)), async peer => {
    const request = anySignal(options.signal)
    await ctx.network.request(peer, message, { signal: request.signal })
      .catch(err => { ctx.log('correction to %p failed - %e', peer, err) })
      .finally(() => { request.done() })
  }, ctx.alpha)
  await drain(sends)
}

async function collect<T> (source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of source) { out.push(item) }
  return out
}
