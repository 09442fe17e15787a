import { AbortError, DialError, NotFoundError, TimeoutError } from '@libp2p/interface'
import { BoundedQueue, isCircuitAddress, withTimeout } from '@libp2p/utils'
import { DEFAULT_ADDRESS_DIAL_TIMEOUT_MS, DEFAULT_DIAL_TIMEOUT_MS, DEFAULT_MAX_DIAL_QUEUE_LENGTH, DEFAULT_MAX_PARALLEL_DIALS, DEFAULT_MAX_PEER_ADDRS_TO_DIAL } from '../constants.js'
import { DialToSelfError, LimitedConnectionError, NoValidAddressesError } from '../errors.js'
import { dialTarget, isLimitedAddress, isSignalledAddress } from '../get-peer.js'
import type { DialTarget } from '../get-peer.js'
import type {
  AbortOptions, ComponentLogger, Connection, ConnectionGater, Logger, PeerId, PeerStore, TransportManager
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface DialQueueComponents {
  peerId: PeerId
  peerStore: PeerStore
  transportManager: TransportManager
  connectionGater: ConnectionGater
  logger: ComponentLogger
}

export interface DialQueueInit {
  maxParallelDials?: number
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

export interface DialQueueOptions extends AbortOptions {
  /** dial direct addresses only, and refuse a connection that comes out limited (LimitedConnectionError) */
  unlimitedOnly?: boolean
}

/**
 * Dials one peer at a time per target: concurrent dials to the same peer share one attempt,
 * semaphores bound dials in flight and waiting, and each address gets its own deadline.
 *
 * Circuit addresses are dialled under slots of their own: a circuit dial needs a connection to
 * its relay, a dial of its own, which then never waits behind circuit dials that wait for it (with
 * one pool, circuit dials filling every slot would wait on their relays until the dial timeout).
 * Relay legs are direct dials (the relay transport asks for an unlimited connection), so direct
 * slots never wait on circuit slots. `…/p2p-circuit/webrtc/…` addresses (a direct connection
 * signalled over a relayed one) have a third pool: their transport may open the relayed
 * connection through the connection manager, a circuit dial, which never waits behind them.
 *
 * Concurrent dials to one target share one attempt, except that a dial naming only circuit (or
 * only `/webrtc`) addresses is an attempt of its own: a transport dialling the peer over WebRTC
 * can ask the connection manager for the relayed connection to that same peer without joining
 * (and waiting for) the dial it runs in.
 */
export class DialQueue {
  readonly #components: DialQueueComponents
  readonly #slots: BoundedQueue
  /** circuit addresses: as many again, so a circuit dial never holds a slot its relay leg needs */
  readonly #circuitSlots: BoundedQueue
  /** `/webrtc` addresses after `/p2p-circuit`: as many again, so they never hold a slot their relayed connection needs */
  readonly #signalledSlots: BoundedQueue
  readonly #maxAddrs: number
  readonly #timeoutMs: number
  readonly #dialTimeoutMs: number
  readonly #pending = new Map<string, SharedDial>()
  readonly #log: Logger

  constructor (components: DialQueueComponents, init: DialQueueInit = {}) {
    this.#components = components
    const slots = {
      concurrency: init.maxParallelDials ?? DEFAULT_MAX_PARALLEL_DIALS,
      maxSize: init.maxDialQueueLength ?? DEFAULT_MAX_DIAL_QUEUE_LENGTH,
      limitName: 'maxDialQueueLength'
    }
    this.#slots = new BoundedQueue(slots)
    this.#circuitSlots = new BoundedQueue(slots)
    this.#signalledSlots = new BoundedQueue(slots)
    this.#maxAddrs = init.maxPeerAddrsToDial ?? DEFAULT_MAX_PEER_ADDRS_TO_DIAL
    this.#timeoutMs = init.addressDialTimeout ?? DEFAULT_ADDRESS_DIAL_TIMEOUT_MS
    this.#dialTimeoutMs = init.dialTimeout ?? DEFAULT_DIAL_TIMEOUT_MS
    this.#log = components.logger.forComponent('libp2p:dial-queue')
  }

  get pending (): number {
    return this.#pending.size
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
    const unlimitedOnly = options.unlimitedOnly === true
    // a dial restricted to direct addresses is not the same attempt as one that may take a circuit
    const key = (target.peerId?.toString() ?? target.multiaddrs.map(String).sort().join(',')) + addressClass(target) + (unlimitedOnly ? '#unlimited' : '')
    if (options.signal.aborted) { throw abortReason(options.signal) }
    let shared = this.#pending.get(key)
    if (shared == null) {
      const controller = new AbortController()
      const attempt = this.#dial(target, unlimitedOnly, { signal: controller.signal }).finally(() => this.#pending.delete(key))
      shared = { attempt, controller, waiting: 0 }
      this.#pending.set(key, shared)
    }
    return join(shared, options.signal)
  }

  /**
   * whether dial() of these addresses would try one: not this node, the gater allows the peer, and
   * #addresses() keeps at least one (a transport, the gater, direct only when unlimitedOnly)
   */
  async isDialable (multiaddrs: Multiaddr[], unlimitedOnly: boolean, options: AbortOptions = {}): Promise<boolean> {
    try {
      const target = dialTarget(multiaddrs)
      if (target.peerId?.equals(this.#components.peerId) === true) { return false }
      if (target.peerId != null && await this.#components.connectionGater.denyDialPeer?.(target.peerId) === true) { return false }
      return (await this.#addresses(target, unlimitedOnly, options)).length > 0
    } catch (err: any) {
      if (options.signal?.aborted === true) { throw err }
      return false
    }
  }

  async #dial (target: DialTarget, unlimitedOnly: boolean, options: AbortOptions): Promise<Connection> {
    const { connectionGater } = this.#components
    if (target.peerId != null && await connectionGater.denyDialPeer?.(target.peerId) === true) {
      throw new DialError(`the connection gater refused to dial ${target.peerId}`)
    }
    const addrs = await this.#addresses(target, unlimitedOnly, options)
    const errors: Error[] = []
    const direct = addrs.filter(ma => !isCircuitAddress(ma))
    const signalled = addrs.filter(isSignalledAddress)
    const circuits = addrs.filter(isLimitedAddress)
    let connection: Connection | undefined
    if (direct.length > 0) {
      connection = await this.#slots.add(async () => this.#dialAddresses(target, direct, errors, options), options)
    }
    if (connection == null && signalled.length > 0) {
      connection = await this.#signalledSlots.add(async () => this.#dialAddresses(target, signalled, errors, options), options)
    }
    if (connection == null && circuits.length > 0) {
      connection = await this.#circuitSlots.add(async () => this.#dialAddresses(target, circuits, errors, options), options)
    }
    if (connection == null) {
      throw new DialError(`all ${addrs.length} addresses failed: ${errors.map(e => e.message).join('; ')}`, errors)
    }
    if (unlimitedOnly && connection.limits != null) {
      throw new LimitedConnectionError(`the connection to ${connection.remotePeer.toString()} through ${connection.remoteAddr.toString()} is limited`)
    }
    return connection
  }

  /** the first address that connects; undefined when all failed (their errors pushed to `errors`) */
  async #dialAddresses (target: DialTarget, addrs: Multiaddr[], errors: Error[], options: AbortOptions): Promise<Connection | undefined> {
    for (const ma of addrs) {
      const callerSignal = options.signal
      if (callerSignal?.aborted === true) { throw new AbortError('the dial was aborted') }
      // one controller and one timer, cleared when the dial settles, rather than an
      // AbortSignal.timeout() left running and an AbortSignal.any() per address
      const deadline = withTimeout(this.#timeoutMs, 'the dial', callerSignal)
      try {
        return await this.#components.transportManager.dial(ma, { signal: deadline.signal, remotePeer: target.peerId })
      } catch (err: any) {
        const callerAborted = isAborted(callerSignal)
        const reason = deadline.signal.aborted && !callerAborted
          ? new TimeoutError(`dialling ${ma.toString()} took longer than ${this.#timeoutMs} ms`)
          : err
        this.#log('dial to %a failed - %e', ma, reason)
        if (callerAborted) { throw reason }
        errors.push(reason)
      } finally {
        deadline.done()
      }
    }
    return undefined
  }

  /** the target's dialable addresses, direct ones first, then `/webrtc` ones (circuits last, or left out when unlimitedOnly) */
  async #addresses (target: DialTarget, unlimitedOnly: boolean, options: AbortOptions): Promise<Multiaddr[]> {
    const { peerStore, transportManager, connectionGater } = this.#components
    let addrs = target.multiaddrs
    if (addrs.length === 0 && target.peerId != null) {
      try {
        addrs = (await peerStore.get(target.peerId, options)).addresses.map(a => a.multiaddr)
      } catch (err: any) {
        if (err.name !== NotFoundError.name) { throw err }
      }
    }
    const usable: Multiaddr[] = []
    const seen = new Set<string>()
    let circuits = 0
    // stable: the order given (or stored) within direct and within circuit addresses
    const ordered = [...addrs.filter(ma => !isCircuitAddress(ma)), ...addrs.filter(isSignalledAddress), ...addrs.filter(isLimitedAddress)]
    for (const ma of ordered) {
      const key = ma.toString()
      if (seen.has(key)) { continue }
      seen.add(key)
      if (transportManager.transportForMultiaddr(ma) == null) { continue }
      if (unlimitedOnly && isLimitedAddress(ma)) {
        circuits++
        continue
      }
      if (await connectionGater.denyDialMultiaddr?.(ma) === true) { continue }
      usable.push(ma)
      if (usable.length >= this.#maxAddrs) { break }
    }
    if (usable.length === 0 && circuits > 0) {
      throw new LimitedConnectionError(`${target.peerId?.toString() ?? 'the peer'} has only relayed addresses (${circuits}), whose connections are limited, and an unlimited connection was asked for`)
    }
    if (usable.length === 0) {
      throw new NoValidAddressesError(`no dialable address for ${target.peerId?.toString() ?? addrs.map(String).join(', ')}`)
    }
    return usable
  }
}

/** '#limited' for a dial naming circuit addresses only, '#signalled' for `/webrtc` ones only, else '' */
function addressClass (target: DialTarget): string {
  if (target.multiaddrs.length === 0) { return '' }
  if (target.multiaddrs.every(isLimitedAddress)) { return '#limited' }
  if (target.multiaddrs.every(isSignalledAddress)) { return '#signalled' }
  return ''
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
