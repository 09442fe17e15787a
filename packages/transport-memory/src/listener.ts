import { ConnectionClosedError, ConnectionFailedError, InvalidMultiaddrError, InvalidParametersError, LimitExceededError, TypedEventEmitter } from '@libp2p/interface'
import { memoryAddress, memoryAddressKey } from './address.js'
import { MemoryConnection } from './memory-connection.js'
import { addListener, removeListener } from './registry.js'
import type { Connection, Listener, ListenerEvents, Logger, Upgrader } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface MemoryListenerInit {
  upgrader: Upgrader
  log: Logger
  latencyMs: number
  maxInFlightBytes: number
  maxConnections: number
  /** makes connection ids unique in the process */
  nextId(): string
}

type ListenerStatus = 'ready' | 'listening' | 'closed'

/**
 * Listens on one `/memory/<id>` address of the process-wide registry. Each accepted connection
 * is passed to `upgrader.upgradeInbound` and announced with a `connection` event; a failed
 * upgrade aborts the connection and is reported with an `error` event.
 */
export class MemoryListener extends TypedEventEmitter<ListenerEvents> implements Listener {
  readonly #init: MemoryListenerInit
  readonly #log: Logger
  readonly #connections = new Set<MemoryConnection>()
  readonly #shutdown = new AbortController()
  #status: ListenerStatus = 'ready'
  #key?: string
  #addr?: Multiaddr

  constructor (init: MemoryListenerInit) {
    super()
    this.#init = init
    this.#log = init.log
  }

  /** raw connections accepted and not yet closed, upgraded or not */
  get connectionCount (): number {
    return this.#connections.size
  }

  async listen (ma: Multiaddr): Promise<void> {
    if (this.#status !== 'ready') {
      throw new InvalidParametersError(`a memory listener listens once (it is ${this.#status}); create another listener for ${ma.toString()}`)
    }
    const key = memoryAddressKey(ma)
    if (key == null) {
      throw new InvalidMultiaddrError(`${ma.toString()} is not a /memory/<id> address`)
    }
    addListener(key, this)
    this.#key = key
    this.#addr = memoryAddress(key)
    this.#status = 'listening'
    this.#log('listening on %a', this.#addr)
    this.safeDispatchEvent('listening')
  }

  getAddrs (): Multiaddr[] {
    return this.#status === 'listening' && this.#addr != null ? [this.#addr] : []
  }

  /**
   * Called by a dialling transport: makes the inbound end, pairs it with `outbound` and starts
   * the upgrade. Throws ConnectionFailedError when closed or full, before anything is paired.
   */
  accept (outbound: MemoryConnection, dialerAddr: Multiaddr): MemoryConnection {
    if (this.#status !== 'listening') {
      throw new ConnectionFailedError(`the listener at ${outbound.remoteAddr.toString()} is closed`)
    }
    if (this.#connections.size >= this.#init.maxConnections) {
      const limit = new LimitExceededError('maxConnections', this.#init.maxConnections, `the memory listener at ${this.#addr?.toString() ?? ''} is full`)
      const err = new ConnectionFailedError(limit.message)
      err.cause = limit
      throw err
    }
    const inbound = new MemoryConnection({
      id: this.#init.nextId(),
      direction: 'inbound',
      log: this.#log,
      remoteAddr: dialerAddr,
      latencyMs: this.#init.latencyMs,
      maxInFlightBytes: this.#init.maxInFlightBytes
    })
    inbound.peer = outbound
    outbound.peer = inbound
    this.#connections.add(inbound)
    inbound.addEventListener('close', () => { this.#connections.delete(inbound) }, { once: true })
    this.#log('accepted %s from %a', inbound.id, dialerAddr)
    void this.#upgrade(inbound)
    return inbound
  }

  async close (): Promise<void> {
    if (this.#status === 'closed') { return }
    const wasListening = this.#status === 'listening'
    this.#status = 'closed'
    if (this.#key != null) { removeListener(this.#key, this) }
    this.#shutdown.abort(new ConnectionClosedError('the listener closed'))
    for (const connection of [...this.#connections]) {
      connection.destroy()
    }
    this.#connections.clear()
    if (wasListening) { this.#log('closed %a', this.#addr) }
    this.safeDispatchEvent('close')
  }

  async #upgrade (maConn: MemoryConnection): Promise<void> {
    let connection: Connection
    try {
      connection = await this.#init.upgrader.upgradeInbound(maConn, { signal: this.#shutdown.signal })
    } catch (err: any) {
      maConn.abort(err)
      if (this.#status === 'closed') {
        this.#log('upgrade of %s ended by close - %e', maConn.id, err)
        return
      }
      this.#log.error('inbound upgrade of %s failed - %e', maConn.id, err)
      this.safeDispatchEvent('error', { detail: err })
      return
    }
    if (this.#status === 'closed') {
      // the raw connection is already gone; release whatever the upgrader built on it
      connection.abort(new ConnectionClosedError('the listener closed during the upgrade'))
      return
    }
    this.safeDispatchEvent('connection', { detail: connection })
  }
}
