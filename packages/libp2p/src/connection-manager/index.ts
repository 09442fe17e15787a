import { LimitExceededError, NotStartedError } from '@libp2p/interface'
import { ipOf } from '@libp2p/utils'
import {
  DEFAULT_INBOUND_CONNECTION_THRESHOLD_PER_IP, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_PEER,
  DEFAULT_MAX_INCOMING_PENDING_CONNECTIONS, KEEP_ALIVE_TAG
} from '../constants.js'
import { LimitedConnectionError, NoValidAddressesError } from '../errors.js'
import { dialTarget } from '../get-peer.js'
import { DialQueue } from './dial-queue.js'
import { IpFilter } from './ip-filter.js'
import { decideLimited } from './limited-connections.js'
import { InboundRateLimiter } from './rate-limiter.js'
import { ReconnectQueue } from './reconnect-queue.js'
import type { DialQueueComponents, DialQueueInit } from './dial-queue.js'
import type {
  AbortOptions, Connection, ConnectionManager as ConnectionManagerInterface, IsDialableOptions, Libp2pEvents, Logger,
  MultiaddrConnection, OpenConnectionOptions, OpenStreamOptions, PeerId, Startable, Stream, TypedEventTarget
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface ConnectionManagerInit extends DialQueueInit {
  /**
   * Above this many open connections the least valuable are closed; at it, inbound ones are
   * refused. Connections still closing do not count, as long as open and closing together stay
   * under twice this.
   */
  maxConnections?: number
  /** open connections to one peer; a connection past it is closed */
  maxConnectionsPerPeer?: number
  /** inbound connections still upgrading at once */
  maxIncomingPendingConnections?: number
  /** inbound connections per second from one IP */
  inboundConnectionThreshold?: number
  /**
   * IPs always accepted (and never pruned), past the pending, rate and connection limits: each an
   * IP (`10.0.0.1`), a CIDR range (`10.0.0.0/8`) or a multiaddr (`/ip4/10.0.0.1`,
   * `/ip4/10.0.0.0/ipcidr/8`). Matched numerically: `10.0.0.1` does not match `10.0.0.12`.
   */
  allow?: string[]
  /** IPs always refused, in the same forms as `allow` */
  deny?: string[]
  /**
   * a peer tagged keep-alive is re-dialled at once when its last connection closes, then up to
   * this many more times while dials fail (default 5), as js-libp2p does
   */
  reconnectRetries?: number
  /** ms before the second re-dial; each later one waits `reconnectBackoffFactor` times longer (default 1000) */
  reconnectRetryInterval?: number
  /** multiplies the wait before each further re-dial (default 2) */
  reconnectBackoffFactor?: number
  /** ms an inbound connection's upgrade (encrypter, muxer and their handshakes) may take (default 10000) */
  inboundUpgradeTimeout?: number
  /** ms an outbound connection's upgrade may take (default 10000; js-libp2p has no such option) */
  outboundUpgradeTimeout?: number
  /** ms protocol negotiation on a new inbound stream may take (default 10000) */
  inboundStreamProtocolNegotiationTimeout?: number
  /** ms protocol negotiation on a new outbound stream may take when the caller passes no signal (default 10000) */
  outboundStreamProtocolNegotiationTimeout?: number
}

/** runOnLimitedConnection and withinDialTier are declared once, in `@libp2p/interface`'s OpenConnectionOptions */
export type { OpenConnectionOptions, OpenStreamOptions }

export interface ConnectionManagerComponents extends DialQueueComponents {
  events: TypedEventTarget<Libp2pEvents>
}

/**
 * Tracks every open connection, opens new ones through the dial queue, admits inbound ones
 * (pending limit, per-IP rate, allow/deny lists), prunes when over the limit (lowest tag value,
 * then no streams, then oldest; allow-listed and keep-alive peers last) and re-dials keep-alive
 * peers that drop.
 */
export class ConnectionManager implements ConnectionManagerInterface, Startable {
  readonly #components: ConnectionManagerComponents
  readonly #connections = new Map<string, Connection[]>()
  readonly #dialQueue: DialQueue
  readonly #reconnect: ReconnectQueue
  readonly #rateLimiter: InboundRateLimiter
  readonly #maxConnections: number
  readonly #maxPerPeer: number
  readonly #maxPendingInbound: number
  readonly #allow: IpFilter
  readonly #deny: IpFilter
  readonly #log: Logger
  #pendingInbound = 0
  /** connections in #connections, kept so that admission and pruning need not copy every list */
  #count = 0
  #started = false
  /** stop() ran (and start() did not run since): connections opened from now on are refused */
  #stopped = false
  #pruning = false
  #pruneAgain = false

  constructor (components: ConnectionManagerComponents, init: ConnectionManagerInit = {}) {
    this.#components = components
    this.#dialQueue = new DialQueue(components, init)
    this.#maxConnections = init.maxConnections ?? DEFAULT_MAX_CONNECTIONS
    this.#maxPerPeer = init.maxConnectionsPerPeer ?? DEFAULT_MAX_CONNECTIONS_PER_PEER
    this.#maxPendingInbound = init.maxIncomingPendingConnections ?? DEFAULT_MAX_INCOMING_PENDING_CONNECTIONS
    this.#rateLimiter = new InboundRateLimiter(init.inboundConnectionThreshold ?? DEFAULT_INBOUND_CONNECTION_THRESHOLD_PER_IP)
    this.#allow = new IpFilter(init.allow)
    this.#deny = new IpFilter(init.deny)
    this.#log = components.logger.forComponent('libp2p:connection-manager')
    this.#reconnect = new ReconnectQueue({
      peerStore: components.peerStore,
      logger: components.logger,
      dial: async (peerId, options) => this.openConnection(peerId, options)
    }, { retries: init.reconnectRetries, retryInterval: init.reconnectRetryInterval, backoffFactor: init.reconnectBackoffFactor })
    components.events.addEventListener('connection:open', (evt) => { this.#onConnect(evt.detail) })
  }

  start (): void {
    this.#started = true
    this.#stopped = false
  }

  async stop (): Promise<void> {
    this.#started = false
    this.#stopped = true
    this.#dialQueue.stop()
    this.#reconnect.stop()
    await Promise.all(this.getConnections().map(async c => c.close().catch(err => { c.abort(err) })))
    this.#connections.clear()
    this.#count = 0
  }

  getConnections (peerId?: PeerId): Connection[] {
    if (peerId != null) { return [...(this.#connections.get(peerId.toString()) ?? [])] }
    return [...this.#connections.values()].flat()
  }

  getConnectionsMap (): Map<string, Connection[]> {
    return this.#connections
  }

  async openConnection (peer: PeerId | Multiaddr | Multiaddr[], options: OpenConnectionOptions = {}): Promise<Connection> {
    // a PeerId, or multiaddrs ending in /p2p/<id>, reuse an open connection to that peer
    const target = dialTarget(peer)
    const open = options.force !== true && target.peerId != null
      ? this.getConnections(target.peerId).filter(c => c.status === 'open')
      : []
    const named = target.multiaddrs.map(ma => this.#components.transportManager.dialProfile(ma))
    const decision = decideLimited(open, named, options.runOnLimitedConnection)
    if (decision.reuse != null) { return decision.reuse }
    try {
      const connection = await this.#dialQueue.dial(peer, {
        signal: options.signal, unlimitedOnly: decision.unlimitedOnly, withinDialTier: options.withinDialTier
      })
      if (this.#stopped) {
        // the upgrade outlived stop(): #onConnect closed the connection, the dial fails
        const err = new NotStartedError('the node stopped while this dial was in flight')
        connection.abort(err)
        throw err
      }
      return connection
    } catch (err: any) {
      const { fallback, limited } = decision
      if (fallback?.status === 'open') {
        this.#log('no unlimited connection to %p (%e); the limited one will do', fallback.remotePeer, err)
        return fallback
      }
      if (limited != null && err.name === NoValidAddressesError.name) {
        throw new LimitedConnectionError(`only a limited connection to ${limited.remotePeer.toString()} is open, no address of it with an unlimited connection is known, and an unlimited connection was asked for`)
      }
      throw err
    }
  }

  async openStream (peer: PeerId | Multiaddr | Multiaddr[], protocols: string | string[], options: OpenStreamOptions = {}): Promise<Stream> {
    const connection = await this.openConnection(peer, options)
    return connection.newStream(protocols, options)
  }

  async isDialable (multiaddrs: Multiaddr | Multiaddr[], options: IsDialableOptions = {}): Promise<boolean> {
    const list = Array.isArray(multiaddrs) ? multiaddrs : [multiaddrs]
    if (list.length === 0) { return false }
    return this.#dialQueue.isDialable(list, { unlimitedOnly: options.runOnLimitedConnection === false }, options)
  }

  async closeConnections (peerId: PeerId, options?: AbortOptions): Promise<void> {
    await Promise.all(this.getConnections(peerId).map(async c => c.close(options).catch(err => { c.abort(err) })))
  }

  acceptIncomingConnection (maConn: MultiaddrConnection): boolean {
    const ip = ipOf(maConn.remoteAddr)
    if (ip != null && this.#deny.matches(ip)) {
      this.#log('refused inbound from denied %s', ip)
      return false
    }
    if (ip != null && this.#allow.matches(ip)) {
      this.#pendingInbound++
      return true
    }
    if (this.#pendingInbound >= this.#maxPendingInbound) {
      this.#log('refused inbound: %d upgrades pending (maxIncomingPendingConnections)', this.#pendingInbound)
      return false
    }
    if (this.#isFull()) {
      this.#log('refused inbound: at maxConnections %d', this.#maxConnections)
      return false
    }
    if (ip != null && !this.#rateLimiter.allow(ip)) {
      this.#log('refused inbound from %s: over inboundConnectionThreshold', ip)
      return false
    }
    this.#pendingInbound++
    return true
  }

  /**
   * Full means maxConnections open connections. One that is closing (pruned, closed by either side,
   * or told to go away by the remote) is on its way out and leaves room, so a node that just pruned
   * takes newcomers at once; but closing ones may linger for the muxer's close timeout, so together
   * with the open ones they are capped at twice maxConnections.
   */
  #isFull (): boolean {
    // nothing is closing below the limit: no need to look at each connection
    if (this.#count < this.#maxConnections) { return false }
    if (this.#count >= this.#maxConnections * 2) { return true }
    return this.#openCount() >= this.#maxConnections
  }

  #openCount (): number {
    let open = 0
    for (const list of this.#connections.values()) {
      for (const c of list) {
        if (c.status === 'open') { open++ }
      }
    }
    return open
  }

  afterUpgradeInbound (): void {
    this.#pendingInbound = Math.max(0, this.#pendingInbound - 1)
  }

  #onConnect (connection: Connection): void {
    if (connection.status !== 'open') { return }
    if (this.#stopped) {
      // an upgrade (inbound, or a dial's last step) that finished after stop(): nobody holds it
      connection.abort(new NotStartedError('the node stopped before this connection was upgraded'))
      return
    }
    const key = connection.remotePeer.toString()
    const list = this.#connections.get(key) ?? []
    const first = list.length === 0
    list.push(connection)
    this.#connections.set(key, list)
    this.#count++
    connection.addEventListener('close', () => { this.#onClose(connection) }, { once: true })
    if (first) {
      this.#components.events.safeDispatchEvent('peer:connect', { detail: connection.remotePeer })
    }
    // as for maxConnections, a connection to this peer that is closing does not count
    if (list.length > this.#maxPerPeer && list.filter(c => c.status === 'open').length > this.#maxPerPeer) {
      this.#log('closing connection %s: over maxConnectionsPerPeer %d', connection.id, this.#maxPerPeer)
      void connection.close().catch(err => { connection.abort(err) })
    }
    void this.#pruneIfNeeded()
  }

  #onClose (connection: Connection): void {
    const key = connection.remotePeer.toString()
    const before = this.#connections.get(key) ?? []
    const list = before.filter(c => c !== connection)
    this.#count -= before.length - list.length
    this.#components.events.safeDispatchEvent('connection:close', { detail: connection })
    if (list.length > 0) {
      this.#connections.set(key, list)
      return
    }
    this.#connections.delete(key)
    this.#components.events.safeDispatchEvent('peer:disconnect', { detail: connection.remotePeer })
    if (this.#started) {
      void this.#reconnect.maybeReconnect(connection.remotePeer)
    }
  }

  /**
   * Prunes one pass at a time: a pass that starts while another is scoring would count the other's
   * victims as still open and close more than needed. A request during a pass runs one more pass
   * after it.
   */
  async #pruneIfNeeded (): Promise<void> {
    // the open ones are at most all of them: nothing to do below the limit, without copying
    if (this.#count <= this.#maxConnections) { return }
    if (this.#pruning) {
      this.#pruneAgain = true
      return
    }
    this.#pruning = true
    try {
      do {
        this.#pruneAgain = false
        await this.#prune()
      } while (this.#pruneAgain && this.#started)
    } catch (err) {
      this.#log.error('pruning failed - %e', err)
    } finally {
      this.#pruning = false
    }
  }

  async #prune (): Promise<void> {
    if (this.#count <= this.#maxConnections) { return }
    // a connection already closing (pruned before, or closed by either side) is on its way out:
    // counting it would prune an open one in its place
    const all = this.getConnections().filter(c => c.status === 'open')
    if (all.length <= this.#maxConnections) { return }
    const scored = await Promise.all(all.map(async (c) => {
      let value = 0
      let keepAlive = false
      try {
        const peer = await this.#components.peerStore.get(c.remotePeer)
        for (const [name, tag] of peer.tags) {
          value += tag.value
          if (name.startsWith(KEEP_ALIVE_TAG)) { keepAlive = true }
        }
      } catch {
        // not in the peer store: no tags, value 0
      }
      const ip = ipOf(c.remoteAddr)
      const allowed = ip != null && this.#allow.matches(ip)
      return { c, value, protected: keepAlive || allowed }
    }))
    // the scores were awaited: some of these may have closed meanwhile
    const open = scored.filter(s => s.c.status === 'open')
    const excess = open.length - this.#maxConnections
    if (excess <= 0) { return }
    open.sort((a, b) =>
      Number(a.protected) - Number(b.protected) ||
      a.value - b.value ||
      a.c.streams.length - b.c.streams.length ||
      a.c.timeline.open - b.c.timeline.open)
    const victims = open.filter(s => !s.protected).slice(0, excess)
    if (victims.length < excess) {
      this.#log.error('%s', new LimitExceededError('maxConnections', this.#maxConnections, 'every connection over the limit is protected').message)
    }
    for (const { c } of victims) {
      this.#log('pruning connection %s to %p', c.id, c.remotePeer)
      void c.close().catch(err => { c.abort(err) })
    }
  }
}
