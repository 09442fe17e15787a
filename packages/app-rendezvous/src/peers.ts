import { ConnectionFailedError, TypedEventEmitter } from '@libp2p/interface'
import { withTimeout } from '@libp2p/utils'
import { DIAL_TIMEOUT_MS, GLARE_CLOSE_TIMEOUT_MS, GONE_AFTER_FAILURES, MAX_ROOM_PEERS, PING_INTERVAL_MS, RETRY_MAX_MS, RETRY_MIN_MS } from './constants.js'
import { bestConnection, isDirect, linkOf } from './links.js'
import type { Link } from './links.js'
import type { AppNode } from './node.js'
import type { RoomProvider } from './room.js'
import type { Connection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** what the page knows about another page of the room */
export interface RoomPeer {
  id: PeerId
  /** its WebRTC addresses through the relay, from its provider record */
  multiaddrs: Multiaddr[]
  link: Link
  /** the last round trip over the direct connection, in ms */
  rtt?: number
  /** a line for the person: a lost direct connection, a failed dial, the next retry */
  notice?: string
  /** direct dials that failed in a row (reset by a direct connection) */
  failures: number
  /** unreachable for GONE_AFTER_FAILURES dials with no connection at all: most likely a page closed earlier */
  gone: boolean
  /** whether a direct connection was up once, so losing it is news */
  wasDirect: boolean
  /** performance.now() when the first direct connection came up (in a page: ms since it was opened) */
  firstDirectAt?: number
  /** performance.now() when a provider record first named it */
  foundAt?: number
  /** performance.now() when this page first dialled it directly */
  firstDialAt?: number
}

export interface RoomPeersEvents {
  change: CustomEvent<RoomPeer>
}

/**
 * The other pages of the room and how each is connected. A peer found in the room is dialled on its
 * `/p2p-circuit/webrtc` address (signaling through the relay, then a direct WebRTC connection) at
 * once, unless it already has a connection to this page (it is dialling us): then this page waits
 * `patienceMs`, in case its own dial is not needed. Waiting by peer id instead would cost the
 * newcomer a whole room poll whenever the earlier page has the smaller id: that page learns of the
 * newcomer only from its next lookup. Two pages that find each other in the same moment both dial
 * (glare); of the two direct connections, the one the smaller peer id dialled stays and the larger
 * id's page closes its own. A lost or failed direct connection is retried with a doubling delay,
 * and the relay carries the chat meanwhile.
 */
export class RoomPeers extends TypedEventEmitter<RoomPeersEvents> {
  readonly #node: AppNode
  readonly #relay: Multiaddr[]
  readonly #patienceMs: number
  readonly #peers = new Map<string, RoomPeer>()
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>()
  readonly #dialing = new Set<string>()
  readonly #stop = new AbortController()
  #pinger?: ReturnType<typeof setInterval>

  constructor (node: AppNode, relay: Multiaddr[], patienceMs: number) {
    super()
    this.#node = node
    this.#relay = relay
    this.#patienceMs = patienceMs
  }

  start (): void {
    this.#node.addEventListener('connection:open', this.#onConnection)
    this.#node.addEventListener('connection:close', this.#onConnection)
    this.#pinger = setInterval(() => { void this.#pingAll() }, PING_INTERVAL_MS)
  }

  stop (): void {
    this.#stop.abort()
    this.#node.removeEventListener('connection:open', this.#onConnection)
    this.#node.removeEventListener('connection:close', this.#onConnection)
    clearInterval(this.#pinger)
    for (const timer of this.#timers.values()) { clearTimeout(timer) }
    this.#timers.clear()
  }

  /** every peer found, gone ones included */
  list (): RoomPeer[] {
    return [...this.#peers.values()]
  }

  /** the peers that are here (not gone) */
  present (): RoomPeer[] {
    return this.list().filter(p => !p.gone)
  }

  get (id: string): RoomPeer | undefined {
    return this.#peers.get(id)
  }

  /** a provider record of the room named this peer */
  found (provider: RoomProvider): void {
    const key = provider.id.toString()
    let peer = this.#peers.get(key)
    if (peer == null) {
      if (this.#peers.size >= MAX_ROOM_PEERS) { return }
      peer = { id: provider.id, multiaddrs: [], link: 'none', failures: 0, gone: false, wasDirect: false, foundAt: performance.now() }
      this.#peers.set(key, peer)
      this.#refresh(peer)
      this.#schedule(peer, this.#node.getConnections(peer.id).some(c => c.status === 'open') ? this.#patienceMs : 0)
    }
    // provider records carry addresses without the provider's own /p2p/<id>: a dial needs it
    if (provider.multiaddrs.length > 0) {
      peer.multiaddrs = provider.multiaddrs.map(ma => ma.getComponents().at(-1)?.name === 'p2p' ? ma : ma.encapsulate(`/p2p/${key}`))
    }
    this.#changed(peer)
  }

  /**
   * The connection streams to this peer should use: the direct one, else the relayed one, else a
   * new relayed one (a circuit through the relay without WebRTC, for the chat while direct is down).
   */
  async connectionTo (id: PeerId, signal?: AbortSignal): Promise<Connection> {
    const open = this.directConnection(id) ?? bestConnection(this.#node.getConnections(id))
    if (open != null) { return open }
    const deadline = withTimeout(DIAL_TIMEOUT_MS, 'dialling the peer through the relay (DIAL_TIMEOUT_MS)', signal, this.#stop.signal)
    try {
      return await this.#node.dial(this.#relay.map(r => r.encapsulate(`/p2p-circuit/p2p/${id.toString()}`)), { signal: deadline.signal })
    } finally {
      deadline.done()
    }
  }

  /** the open direct connection to this peer, if any: the one that survives a glare first */
  directConnection (id: PeerId): Connection | undefined {
    const direct = this.#node.getConnections(id).filter(c => c.status === 'open' && isDirect(c))
    const kept = this.#keptDirection(id)
    return direct.find(c => c.direction === kept) ?? direct[0]
  }

  readonly #onConnection = (evt: CustomEvent<Connection>): void => {
    const peer = this.#peers.get(evt.detail.remotePeer.toString())
    if (peer == null) {
      if (evt.type === 'connection:open' && isDirect(evt.detail)) { this.#joinedByDialling(evt.detail) }
      return
    }
    const before = peer.link
    // the closed connection is still listed while its close event is dispatched
    this.#refresh(peer, evt.type === 'connection:close' ? evt.detail : undefined)
    if (before === 'direct' && peer.link !== 'direct' && !this.#stop.signal.aborted) {
      peer.notice = `direct connection lost: ${peer.link === 'relayed' ? 'the chat goes through the relay' : 'no connection'} while it is retried`
      // both pages see the loss: as for the first dial, one retries at once, the other later
      this.#schedule(peer, this.#dialsFirst(peer) ? RETRY_MIN_MS : this.#patienceMs)
    }
    if (before !== 'direct' && peer.link === 'direct') { void this.#ping(peer) }
    if (evt.type === 'connection:open' && isDirect(evt.detail)) { this.#resolveGlare(peer) }
    this.#changed(peer)
  }

  /**
   * A page this one has no record of yet opened a direct connection to it: only a page that found
   * this page's record dials it on `/webrtc`, so it is in the room (its own record may not be
   * stored yet when this page looks the room up). Its address is then the relay's
   * `/p2p-circuit/webrtc/p2p/<id>` until a record names one.
   */
  #joinedByDialling (connection: Connection): void {
    this.found({ id: connection.remotePeer, multiaddrs: [] })
    const peer = this.#peers.get(connection.remotePeer.toString())
    if (peer?.link === 'direct') { void this.#ping(peer) }
  }

  /** of two direct connections (both pages dialled), the one dialled by the smaller peer id stays */
  #keptDirection (id: PeerId): 'inbound' | 'outbound' {
    return this.#node.peerId.toString() < id.toString() ? 'outbound' : 'inbound'
  }

  /**
   * Both pages dialled each other: the page with the larger id closes the direct connection it
   * dialled once the other one is open (only one side closes, so they never close both). Streams
   * already on it end gracefully; new ones go to the kept one (directConnection prefers it).
   */
  #resolveGlare (peer: RoomPeer): void {
    if (this.#keptDirection(peer.id) !== 'inbound') { return }
    const direct = this.#node.getConnections(peer.id).filter(c => c.status === 'open' && isDirect(c))
    if (!direct.some(c => c.direction === 'inbound')) { return }
    for (const own of direct.filter(c => c.direction === 'outbound')) {
      const deadline = withTimeout(GLARE_CLOSE_TIMEOUT_MS, 'closing the duplicate direct connection (GLARE_CLOSE_TIMEOUT_MS)', this.#stop.signal)
      own.close({ signal: deadline.signal })
        .catch((err: any) => { own.abort(err) })
        .finally(() => { deadline.done() })
    }
  }

  /** of two pages, the one with the smaller peer id dials first */
  #dialsFirst (peer: RoomPeer): boolean {
    return this.#node.peerId.toString() < peer.id.toString()
  }

  #refresh (peer: RoomPeer, closed?: Connection): void {
    peer.link = linkOf(this.#node.getConnections(peer.id).filter(c => c !== closed))
    if (peer.link === 'direct') {
      peer.firstDirectAt ??= performance.now()
      peer.wasDirect = true
      peer.failures = 0
      peer.gone = false
      peer.notice = undefined
    } else {
      peer.rtt = undefined
    }
  }

  #schedule (peer: RoomPeer, delayMs: number): void {
    const key = peer.id.toString()
    if (this.#timers.has(key) || this.#stop.signal.aborted) { return }
    this.#timers.set(key, setTimeout(() => {
      this.#timers.delete(key)
      void this.#dialDirect(peer)
    }, delayMs))
  }

  async #dialDirect (peer: RoomPeer): Promise<void> {
    const key = peer.id.toString()
    if (this.directConnection(peer.id) != null || this.#dialing.has(key) || this.#stop.signal.aborted) { return }
    const targets = peer.multiaddrs.length > 0
      ? peer.multiaddrs
      : this.#relay.map(r => r.encapsulate(`/p2p-circuit/webrtc/p2p/${key}`))
    this.#dialing.add(key)
    peer.firstDialAt ??= performance.now()
    const deadline = withTimeout(DIAL_TIMEOUT_MS, 'the direct WebRTC dial (DIAL_TIMEOUT_MS)', this.#stop.signal)
    try {
      // force: an open relayed connection to the peer would otherwise be returned as it is
      const connection = await this.#node.dial(targets, { signal: deadline.signal, force: true })
      if (!isDirect(connection)) { throw new ConnectionFailedError(`the dial gave a ${connection.remoteAddr.toString()} connection, not WebRTC`) }
    } catch (err: any) {
      if (this.#stop.signal.aborted) { return }
      peer.failures++
      peer.gone = peer.failures >= GONE_AFTER_FAILURES && peer.link === 'none'
      const delay = Math.min(RETRY_MIN_MS * 2 ** peer.failures, RETRY_MAX_MS)
      peer.notice = `direct connection failed (${err.name}: ${err.message}); retrying in ${Math.round(delay / 1000)} s${peer.link === 'relayed' ? ', the relay carries the chat meanwhile' : ''}`
      this.#changed(peer)
      this.#schedule(peer, delay)
    } finally {
      deadline.done()
      this.#dialing.delete(key)
    }
  }

  async #pingAll (): Promise<void> {
    await Promise.all(this.list().filter(p => p.link === 'direct').map(async peer => { await this.#ping(peer) }))
  }

  async #ping (peer: RoomPeer): Promise<void> {
    try {
      peer.rtt = await this.#node.services.ping.ping(peer.id, { signal: this.#stop.signal })
      this.#changed(peer)
    } catch {
      // the connection events tell the person what happened to the connection
    }
  }

  #changed (peer: RoomPeer): void {
    this.safeDispatchEvent('change', { detail: peer })
  }
}
