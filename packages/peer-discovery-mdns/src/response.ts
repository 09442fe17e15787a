import { peerIdFromString } from '@libp2p/peer-id'
import { CODE_P2P, multiaddr } from '@multiformats/multiaddr'
import { MAX_ADDRESSES_PER_PEER, MAX_RECORDS_PER_PACKET, MAX_TXT_STRING_BYTES, MAX_TXT_STRINGS_PER_PACKET, RECORD_TTL_SECONDS } from './constants.js'
import { isLanAddress } from './lan-address.js'
import type { PeerInfo } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const DNSADDR_PREFIX = 'dnsaddr='

/** a resource record as the DNS decoder gives it; the fields are untrusted network input */
export interface ReceivedRecord {
  name?: unknown
  type?: unknown
  data?: unknown
}

export interface ReceivedResponse {
  answers?: readonly ReceivedRecord[]
  additionals?: readonly ReceivedRecord[]
}

export interface AnswerRecord {
  name: string
  type: 'PTR' | 'TXT'
  class: 'IN'
  ttl: number
  data: string
}

/**
 * The answer to a query for `serviceTag`, in js-libp2p's format: a PTR from the service to our
 * instance `<peerName>.<serviceTag>`, and per announced address a TXT record on the instance
 * holding one `dnsaddr=<multiaddr>` string. Only LAN addresses ending in our `/p2p/` id are
 * announced, at most MAX_ADDRESSES_PER_PEER; empty when none qualifies (nothing to say).
 */
export function responseRecords (peerName: string, serviceTag: string, addresses: Multiaddr[]): AnswerRecord[] {
  const instance = `${peerName}.${serviceTag}`
  const txt: AnswerRecord[] = []
  for (const ma of addresses) {
    if (txt.length === MAX_ADDRESSES_PER_PEER) { break }
    if (!isLanAddress(ma) || ma.getComponents().at(-1)?.code !== CODE_P2P) { continue }
    const data = DNSADDR_PREFIX + ma.toString()
    if (new TextEncoder().encode(data).byteLength > MAX_TXT_STRING_BYTES) { continue }
    txt.push({ name: instance, type: 'TXT', class: 'IN', ttl: RECORD_TTL_SECONDS, data })
  }
  if (txt.length === 0) { return [] }
  return [{ name: serviceTag, type: 'PTR', class: 'IN', ttl: RECORD_TTL_SECONDS, data: instance }, ...txt]
}

/** whether a query asks for our service (by PTR or ANY; DNS names compare case-insensitively) */
export function asksForService (questions: readonly ReceivedRecord[] | undefined, serviceTag: string): boolean {
  return (questions ?? []).slice(0, MAX_RECORDS_PER_PACKET).some(q =>
    sameName(q.name, serviceTag) && (q.type === 'PTR' || q.type === 'ANY'))
}

/**
 * The peer a response announces, or undefined when it announces none: the PTR for
 * `serviceTag` names an instance, and that instance's TXT records (in the answers, as js-libp2p
 * sends them, or in the additionals, as the spec and go-libp2p put them) carry `dnsaddr=`
 * strings. The first address's `/p2p/` id is the peer; addresses naming another peer are dropped,
 * and the `/p2p/` suffix is removed from the rest (the peer store keeps addresses without it).
 * Our own instance is skipped. Malformed strings are skipped; nothing here throws.
 */
export function peerFromResponse (response: ReceivedResponse, serviceTag: string, ownInstance: string): PeerInfo | undefined {
  const records = [...(response.answers ?? []), ...(response.additionals ?? [])].slice(0, MAX_RECORDS_PER_PACKET)
  const ptr = records.find(r => r.type === 'PTR' && sameName(r.name, serviceTag) && typeof r.data === 'string')
  if (ptr == null) { return }
  const instance = ptr.data as string
  if (sameName(instance, ownInstance)) { return }

  let peer: PeerInfo | undefined
  let peerKey: string | undefined
  let seen = 0
  for (const record of records) {
    if (record.type !== 'TXT' || !sameName(record.name, instance)) { continue }
    for (const text of txtStrings(record.data)) {
      if (++seen > MAX_TXT_STRINGS_PER_PACKET || (peer?.multiaddrs.length ?? 0) >= MAX_ADDRESSES_PER_PEER) { return peer }
      const parsed = parseDnsaddr(text)
      if (parsed == null) { continue }
      if (peer == null) {
        try {
          peer = { id: peerIdFromString(parsed.peer), multiaddrs: [] }
          peerKey = parsed.peer
        } catch {
          continue
        }
      }
      if (parsed.peer === peerKey) { peer.multiaddrs.push(parsed.address) }
    }
  }
  return peer
}

function parseDnsaddr (text: string): { peer: string, address: Multiaddr } | undefined {
  if (!text.startsWith(DNSADDR_PREFIX)) { return }
  try {
    const ma = multiaddr(text.slice(DNSADDR_PREFIX.length))
    const peer = ma.getComponents().findLast(c => c.code === CODE_P2P)?.value
    if (peer == null) { return }
    return { peer, address: ma.decapsulateCode(CODE_P2P) }
  } catch {
    return undefined
  }
}

/** a TXT record's strings: the decoder gives an array of byte buffers, a buffer or a string */
function txtStrings (data: unknown): string[] {
  const parts = Array.isArray(data) ? data : [data]
  const out: string[] = []
  for (const part of parts.slice(0, MAX_TXT_STRINGS_PER_PACKET)) {
    if (typeof part === 'string') {
      out.push(part)
    } else if (part instanceof Uint8Array) {
      out.push(new TextDecoder().decode(part))
    }
  }
  return out
}

function sameName (a: unknown, b: string): boolean {
  return typeof a === 'string' && a.toLowerCase() === b.toLowerCase()
}
