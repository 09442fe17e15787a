import { EventTypes, MessageType } from '../types.js'
import type {
  DHTRecord, DialPeerEvent, DisjointPath, FinalPeerEvent, PeerResponseEvent, ProviderEvent, QueryEvent,
  SendQueryEvent, ValueEvent
} from '../types.js'
import type { PeerId, PeerInfo, RoutingOptions } from '@libp2p/interface'

/** Builders of the query events, named and shaped as js-libp2p's kad-dht emits them */

export function sendQueryEvent (to: PeerId, messageType: MessageType, path: DisjointPath): SendQueryEvent {
  return { type: EventTypes.SEND_QUERY, name: 'SEND_QUERY', to, messageType, messageName: MessageType[messageType] as SendQueryEvent['messageName'], path }
}

export function peerResponseEvent (from: PeerId, messageType: MessageType, path: DisjointPath, parts: { closer?: PeerInfo[], providers?: PeerInfo[], record?: DHTRecord } = {}): PeerResponseEvent {
  return {
    type: EventTypes.PEER_RESPONSE,
    name: 'PEER_RESPONSE',
    from,
    messageType,
    messageName: MessageType[messageType] as PeerResponseEvent['messageName'],
    closer: parts.closer ?? [],
    providers: parts.providers ?? [],
    record: parts.record,
    path
  }
}

export function finalPeerEvent (from: PeerId, peer: PeerInfo, path: DisjointPath): FinalPeerEvent {
  return { type: EventTypes.FINAL_PEER, name: 'FINAL_PEER', from, peer, path }
}

export function providerEvent (from: PeerId, providers: PeerInfo[], path: DisjointPath): ProviderEvent {
  return { type: EventTypes.PROVIDER, name: 'PROVIDER', from, providers, path }
}

export function valueEvent (from: PeerId, value: Uint8Array, path: DisjointPath): ValueEvent {
  return { type: EventTypes.VALUE, name: 'VALUE', from, value, path }
}

export function dialPeerEvent (peer: PeerId, path: DisjointPath): DialPeerEvent {
  return { type: EventTypes.DIAL_PEER, name: 'DIAL_PEER', peer, path }
}

/** the path of an event that belongs to no lookup (local answers, the final results) */
export const LOCAL_PATH: DisjointPath = { index: -1, queued: 0, running: 0, total: 0 }

const PROGRESS_NAMES: Record<EventTypes, string | undefined> = {
  [EventTypes.SEND_QUERY]: 'kad-dht:query:send-query',
  [EventTypes.PEER_RESPONSE]: 'kad-dht:query:peer-response',
  [EventTypes.FINAL_PEER]: 'kad-dht:query:final-peer',
  [EventTypes.QUERY_ERROR]: 'kad-dht:query:query-error',
  [EventTypes.PROVIDER]: 'kad-dht:query:provider',
  [EventTypes.VALUE]: 'kad-dht:query:value',
  [EventTypes.ADD_PEER]: 'kad-dht:query:add-peer',
  [EventTypes.DIAL_PEER]: 'kad-dht:query:dial-peer',
  [EventTypes.PATH_ENDED]: undefined
}

/** yields the events as they are and reports each to `options.onProgress` as js-libp2p does */
export async function * withProgress (events: AsyncIterable<QueryEvent>, options: RoutingOptions): AsyncGenerator<QueryEvent, void, undefined> {
  for await (const event of events) {
    const name = PROGRESS_NAMES[event.type]
    if (name != null) { options.onProgress?.({ type: name, detail: event }) }
    yield event
  }
}
