import { AbortError, DialError, NotFoundError, NotStartedError, TimeoutError } from '@libp2p/interface'
import { BoundedQueue, withTimeout } from '@libp2p/utils'
import { DEFAULT_ADDRESS_DIAL_TIMEOUT_MS, DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_MAX_DIAL_QUEUE_LENGTH, DEFAULT_MAX_PARALLEL_DIALS, DEFAULT_MAX_PEER_ADDRS_TO_DIAL } from '../constants.js'
import { DialToSelfError, LimitedConnectionError, NoValidAddressesError } from '../errors.js'
import { dialTarget } from '../get-peer.js'
import type { DialTarget } from '../get-peer.js'
import type {
  AbortOptions, ComponentLogger, Connection, ConnectionGater, CounterGroup, DialProfile, Logger, Metrics, PeerId, PeerStore, TransportManager
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface DialQueueComponents {
  peerId: PeerId
  peerStore: PeerStore
  transportManager: TransportManager
  connectionGater: ConnectionGater
  logger: ComponentLogger
  metrics?: Metrics
}

export interface DialQueueInit {
  /** dials in flight at once in each tier's pool of slots */
  maxParallelDials?: number
  /** dials waiting for a slot in each tier's pool */
  maxDialQueueLength?: number
  maxPeerAddrsToDial?: number
  /**
   * ms a dial may take when its caller passes no signal: waiting for a slot, resolving and trying
   * each address (default 10000)
   */
  dialTimeout?: number
  /** ms one address's dial (transport connect + upgrade) may take (default 5000) */
  addressDialTimeout?: number
}

/** which of the target's addresses a dial may use */
export interface DialPlan {
  /** only addresses whose connection is unlimited; a connection that still comes out limited is refused (LimitedConnectionError) */
  unlimitedOnly?: boolean
  /** only addresses of tiers below this: the caller is a dial of this tier (DialProfile) */
  withinDialTier?: number
}

export interface DialQueueOptions extends AbortOptions, DialPlan {}

/** an address and what its transport says about dialling it */
interface ProfiledAddress {
  multiaddr: Multiaddr
  profile: DialProfile
}

/**
 * Dials one peer at a time per target: concurrent dials to the same peer share one attempt,
 * semaphores bound dials in flight and waiting, and each address gets its own deadline.
 *
 * Each address is dialled under a slot of its tier's pool (Transport.dialProfile). A dial of
 * tier n may open dials of lower tiers through the connection manager (its transport reaches the
 * peer through another connection) and never of its own tier or above (the connection manager
 * passes `withinDialTier` down), so it never holds a slot that a dial it waits for needs: with
 * one pool, such dials filling every slot would wait for their inner dials until the dial
 * timeout. Tier-0 dials open no other connection, so the lowest pool never waits on another.
 *
 * Concurrent dials to one target share one attempt, except that a dial naming only addresses of
 * one tier above 0 is an attempt of its own: a transport dialling the peer at a higher tier can
 * ask the connection manager for a lower-tier connection to that same peer without joining (and
 * waiting for) the attempt it runs in.
 */
export class DialQueue {
  readonly #components: DialQueueComponents
  /** one pool per tier, made when a dial of that tier first comes (transports declare few tiers) */
  readonly #pools = new Map<number, BoundedQueue>()
  readonly #maxParallelDials: number
  readonly #maxDialQueueLength: number
  readonly #maxAddrs: number
  readonly #timeoutMs: number
  readonly #dialTimeoutMs: number
  readonly #pending = new Map<string, SharedDial>()
  readonly #log: Logger
  /** failed address dials by error name (absent without metrics) */
  readonly #addressErrors?: CounterGroup

  constructor (components: DialQueueComponents, init: DialQueueInit = {}) {
    this.#components = components
    this.#maxParallelDials = init.maxParallelDials ?? DEFAULT_MAX_PARALLEL_DIALS
    this.#maxDialQueueLength = init.maxDialQueueLength ?? DEFAULT_MAX_DIAL_QUEUE_LENGTH
    this.#maxAddrs = init.maxPeerAddrsToDial ?? DEFAULT_MAX_PEER_ADDRS_TO_DIAL
    this.#timeoutMs = init.addressDialTimeout ?? DEFAULT_ADDRESS_DIAL_TIMEOUT_MS
    this.#dialTimeoutMs = init.dialTimeout ?? DEFAULT_DIAL_TIMEOUT_MS
    this.#log = components.logger.forComponent('libp2p:dial-queue')
    this.#addressErrors = components.metrics?.registerCounterGroup('libp2p_dial_errors_total', {
      label: 'reason',
      help: 'Addresses whose dial failed (transport connect or upgrade), by error name'
    })
  }

  get pending (): number {
    return this.#pending.size
  }

  /** the node is stopping: every dial in flight fails now, so none opens a connection after the stop */
  stop (): void {
    for (const shared of this.#pending.values()) {
      shared.controller.abort(new NotStartedError('the node stopped while this dial was in flight'))
    }
  }

  async dial (peer: PeerId | Multiaddr | Multiaddr[], options: DialQueueOptions = {}): Promise<Connection> {
    if (options.signal == null) {
      const deadline = withTimeout(this.#dialTimeoutMs, 'the dial (dialTimeout)')
      try {
        return await this.dial(peer, { ...options, signal: deadline.signal })
      } finally {
        deadline.done()
      }
    }
    const target = dialTarget(peer)
    if (target.peerId?.equals(this.#components.peerId) === true) {
      throw new DialToSelfError('a node cannot dial itself')
    }
    const plan: DialPlan = { unlimitedOnly: options.unlimitedOnly === true, withinDialTier: options.withinDialTier }
    // a dial restricted to some addresses is not the same attempt as one that may take any
    const key = (target.peerId?.toString() ?? target.multiaddrs.map(String).sort().join(',')) +
      this.#namedTier(target) +
      (plan.unlimitedOnly === true ? '#unlimited' : '') +
      (plan.withinDialTier != null ? `#within${plan.withinDialTier}` : '')
    if (options.signal.aborted) { throw abortReason(options.signal) }
    let shared = this.#pending.get(key)
    if (shared == null) {
      const controller = new AbortController()
      const attempt = this.#dial(target, plan, { signal: controller.signal }).finally(() => this.#pending.delete(key))
      shared = { attempt, controller, waiting: 0 }
      this.#pending.set(key, shared)
    }
    return join(shared, options.signal)
  }

  /**
   * whether dial() of these addresses would try one: not this node, the gater allows the peer, and
   * #addresses() keeps at least one (a transport, the gater, the plan)
   */
  async isDialable (multiaddrs: Multiaddr[], plan: DialPlan, options: AbortOptions = {}): Promise<boolean> {
    try {
      const target = dialTarget(multiaddrs)
      if (target.peerId?.equals(this.#components.peerId) === true) { return false }
      if (target.peerId != null && await this.#components.connectionGater.denyDialPeer?.(target.peerId) === true) { return false }
      return (await this.#addresses(target, plan, options)).length > 0
    } catch (err: any) {
      if (options.signal?.aborted === true) { throw err }
      return false
    }
  }

  async #dial (target: DialTarget, plan: DialPlan, options: AbortOptions): Promise<Connection> {
    const { connectionGater } = this.#components
    if (target.peerId != null && await connectionGater.denyDialPeer?.(target.peerId) === true) {
      throw new DialError(`the connection gater refused to dial ${target.peerId}`)
    }
    const addrs = await this.#addresses(target, plan, options)
    const errors: Error[] = []
    let connection: Connection | undefined
    for (const run of runsOfOneTier(addrs)) {
      connection = await this.#pool(run.tier).add(async () => this.#dialAddresses(target, run.addrs, errors, options), options)
      if (connection != null) { break }
    }
    if (connection == null) {
      throw new DialError(`all ${addrs.length} addresses failed: ${errors.map(e => e.message).join('; ')}`, errors)
    }
    if (plan.unlimitedOnly === true && connection.limits != null) {
      throw new LimitedConnectionError(`the connection to ${connection.remotePeer.toString()} through ${connection.remoteAddr.toString()} is limited`)
    }
    return connection
  }

  #pool (tier: number): BoundedQueue {
    let pool = this.#pools.get(tier)
    if (pool == null) {
      pool = new BoundedQueue({ concurrency: this.#maxParallelDials, maxSize: this.#maxDialQueueLength, limitName: 'maxDialQueueLength' })
      this.#pools.set(tier, pool)
    }
    return pool
  }

  /** the first address that connects; undefined when all failed (their errors pushed to `errors`) */
  async #dialAddresses (target: DialTarget, addrs: Multiaddr[], errors: Error[], options: AbortOptions): Promise<Connection | undefined> {
    for (const ma of addrs) {
      const callerSignal = options.signal
      if (callerSignal?.aborted === true) { throw new AbortError('the dial was aborted') }
      // a deadline released when the dial settles, not left to the garbage collector
      const deadline = withTimeout(this.#timeoutMs, 'the dial', callerSignal)
      try {
        return await this.#components.transportManager.dial(ma, { signal: deadline.signal, remotePeer: target.peerId })
      } catch (err: any) {
        const callerAborted = isAborted(callerSignal)
        const reason = deadline.signal.aborted && !callerAborted
          ? new TimeoutError(`dialling ${ma.toString()} took longer than ${this.#timeoutMs} ms`)
          : err
        this.#log('dial to %a failed - %e', ma, reason)
        this.#addressErrors?.increment({ [reason.name ?? 'Error']: true })
        if (callerAborted) { throw reason }
        errors.push(reason)
      } finally {
        deadline.done()
      }
    }
    return undefined
  }

  /**
   * the target's dialable addresses in dial order: those whose connection is unlimited first, then
   * limited ones (left out when unlimitedOnly); within each, lower tiers first, then the order given
   * (or stored)
   */
  async #addresses (target: DialTarget, plan: DialPlan, options: AbortOptions): Promise<ProfiledAddress[]> {
    const { transportManager, connectionGater } = this.#components
    const addrs = await this.#known(target, options)
    const candidates: ProfiledAddress[] = []
    const seen = new Set<string>()
    for (const multiaddr of addrs) {
      const key = multiaddr.toString()
      if (seen.has(key)) { continue }
      seen.add(key)
      const profile = transportManager.dialProfile(multiaddr)
      if (profile == null) { continue }
      if (plan.withinDialTier != null && profile.tier >= plan.withinDialTier) { continue }
      candidates.push({ multiaddr, profile })
    }
    // Array.prototype.sort is stable: the given order survives within each class
    candidates.sort((a, b) => (Number(a.profile.limited) - Number(b.profile.limited)) || (a.profile.tier - b.profile.tier))
    const usable: ProfiledAddress[] = []
    let limited = 0
    for (const candidate of candidates) {
      if (plan.unlimitedOnly === true && candidate.profile.limited) {
        limited++
        continue
      }
      if (await connectionGater.denyDialMultiaddr?.(candidate.multiaddr) === true) { continue }
      usable.push(candidate)
      if (usable.length >= this.#maxAddrs) { break }
    }
    if (usable.length === 0 && limited > 0) {
      throw new LimitedConnectionError(`${target.peerId?.toString() ?? 'the peer'} has only addresses whose connections are limited (${limited}), and an unlimited connection was asked for`)
    }
    if (usable.length === 0) {
      throw new NoValidAddressesError(`no dialable address for ${target.peerId?.toString() ?? addrs.map(String).join(', ')}`)
    }
    return usable
  }

  /** the addresses the caller named, else those the peer store holds for the peer */
  async #known (target: DialTarget, options: AbortOptions): Promise<Multiaddr[]> {
    if (target.multiaddrs.length > 0 || target.peerId == null) { return target.multiaddrs }
    try {
      return (await this.#components.peerStore.get(target.peerId, options)).addresses.map(a => a.multiaddr)
    } catch (err: any) {
      if (err.name !== NotFoundError.name) { throw err }
      return []
    }
  }

  /** '#tier<n>' for a dial naming only addresses of one tier n above 0, else '' (see the class comment) */
  #namedTier (target: DialTarget): string {
    if (target.multiaddrs.length === 0) { return '' }
    const tiers = new Set(target.multiaddrs.map(ma => this.#components.transportManager.dialProfile(ma)?.tier))
    const [tier] = tiers
    return tiers.size === 1 && tier != null && tier > 0 ? `#tier${tier}` : ''
  }
}

/** consecutive addresses of one tier, in dial order: each run is dialled under one slot of its tier's pool */
function runsOfOneTier (addrs: ProfiledAddress[]): Array<{ tier: number, addrs: Multiaddr[] }> {
  const runs: Array<{ tier: number, addrs: Multiaddr[] }> = []
  for (const { multiaddr, profile } of addrs) {
    const last = runs[runs.length - 1]
    if (last?.tier === profile.tier) {
      last.addrs.push(multiaddr)
    } else {
      runs.push({ tier: profile.tier, addrs: [multiaddr] })
    }
  }
  return runs
}

/**
 * One dial that concurrent callers for the same target share. It runs under its own signal,
 * aborted only once every caller aborted (each has a signal: dial() gives one that lacks it the
 * dialTimeout): a caller that gives up gets its AbortError at once without cancelling the dial
 * for the others.
 */
interface SharedDial {
  attempt: Promise<Connection>
  controller: AbortController
  /** callers still waiting for the attempt */
  waiting: number
}

async function join (shared: SharedDial, signal: AbortSignal): Promise<Connection> {
  shared.waiting++
  let onAbort: () => void = () => {}
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(abortReason(signal)) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([shared.attempt, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
    shared.waiting--
    if (signal.aborted && shared.waiting === 0) {
      shared.controller.abort(signal.reason)
    }
  }
}

function abortReason (signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortError('the dial was aborted')
}

/** read through a function so TypeScript does not narrow `aborted` across awaits */
function isAborted (signal?: AbortSignal): boolean {
  return signal?.aborted === true
}
