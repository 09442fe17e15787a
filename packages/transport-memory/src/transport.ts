import { AbortError, ConnectionFailedError, InvalidMultiaddrError, InvalidParametersError, transportSymbol } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { delay, raceSignal, throwIfAborted } from './abort.js'
import { memoryAddress, memoryAddressKey } from './address.js'
import { DEFAULT_LATENCY_MS, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_IN_FLIGHT_BYTES } from './constants.js'
import { MemoryListener } from './listener.js'
import { MemoryConnection } from './memory-connection.js'
import { findListener } from './registry.js'
import type { ComponentLogger, Connection, CreateListenerOptions, DialTransportOptions, Listener, Logger, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface MemoryTransportInit {
  /**
   * One-way delay in ms added to every chunk, EOF and reset a connection of this transport
   * sends, and to connection setup when dialling. Order is kept. Default 0: synchronous delivery.
   * (js-libp2p's name and meaning.)
   */
  latency?: number
  /** the same as `latency` (this package's earlier name); giving both with different values is refused */
  latencyMs?: number
  /** connections each listener of this transport holds at once; more dials fail (default 1024) */
  maxConnections?: number
  /** with latency, bytes one connection end may have on their way before send() returns false (default 4 MiB) */
  maxInFlightBytes?: number
}

export interface MemoryTransportComponents {
  /** defaults to `@libp2p/logger`'s defaultLogger() */
  logger?: ComponentLogger
}

export interface MemoryCreateListenerOptions extends CreateListenerOptions {
  /** overrides MemoryTransportInit.maxConnections for this listener */
  maxConnections?: number
}

let connectionCount = 0
function nextId (): string {
  return `memory-${++connectionCount}`
}

function checkNonNegative (name: string, value: number, integer: boolean): number {
  if (!(value >= 0) || (integer ? !Number.isSafeInteger(value) : !Number.isFinite(value))) {
    throw new InvalidParametersError(`${name} must be a non-negative ${integer ? 'integer' : 'number'}, got ${value}`)
  }
  return value
}

/** `latency` (js-libp2p's name) or `latencyMs`; both may be given only when they agree */
export function latencyOf (init: MemoryTransportInit): number {
  if (init.latency != null && init.latencyMs != null && init.latency !== init.latencyMs) {
    throw new InvalidParametersError(`latency (${init.latency}) and latencyMs (${init.latencyMs}) disagree: give one of them`)
  }
  const name = init.latency != null ? 'latency' : 'latencyMs'
  return checkNonNegative(name, init.latency ?? init.latencyMs ?? DEFAULT_LATENCY_MS, false)
}

export class MemoryTransport implements Transport {
  readonly [Symbol.toStringTag] = '@libp2p/memory'
  readonly [transportSymbol] = true
  readonly #log: Logger
  readonly #latencyMs: number
  readonly #maxConnections: number
  readonly #maxInFlightBytes: number

  constructor (init: MemoryTransportInit = {}, components: MemoryTransportComponents = {}) {
    this.#log = (components.logger ?? defaultLogger()).forComponent('libp2p:memory')
    this.#latencyMs = latencyOf(init)
    this.#maxConnections = checkNonNegative('maxConnections', init.maxConnections ?? DEFAULT_MAX_CONNECTIONS, true)
    this.#maxInFlightBytes = checkNonNegative('maxInFlightBytes', init.maxInFlightBytes ?? DEFAULT_MAX_IN_FLIGHT_BYTES, true)
  }

  /**
   * Connects to the listener at `/memory/<id>` (optionally followed by `/p2p/<peer>`) and
   * upgrades the raw connection. The outbound connection's remoteAddr is `ma` as given.
   * Fails with ConnectionFailedError when nothing listens there or the listener is full,
   * AbortError when the signal fires (the half-made connection is aborted on both ends), or
   * with the upgrader's error.
   */
  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    const { signal, upgrader } = options
    const what = `dial to ${ma.toString()}`
    throwIfAborted(signal, what)
    const key = memoryAddressKey(ma)
    if (key == null) {
      throw new InvalidMultiaddrError(`the memory transport cannot dial ${ma.toString()}`)
    }
    if (this.#latencyMs > 0) {
      await delay(this.#latencyMs, signal, what)
    }
    const listener = findListener(key)
    if (listener == null) {
      throw new ConnectionFailedError(`nothing listens at /memory/${key}`)
    }
    const id = nextId()
    const maConn = new MemoryConnection({
      id,
      direction: 'outbound',
      log: this.#log,
      remoteAddr: ma,
      latencyMs: this.#latencyMs,
      maxInFlightBytes: this.#maxInFlightBytes
    })
    // the dialing end has no listening address of its own: name it like an ephemeral port
    listener.accept(maConn, memoryAddress(`ephemeral-${id}`))
    this.#log('dialled %a as %s', ma, id)
    try {
      return await raceSignal(upgrader.upgradeOutbound(maConn, { signal }), signal, what, (late) => {
        // the upgrader ignored the signal and finished anyway: release what it built
        late.abort(new AbortError(`${what} was aborted`))
      })
    } catch (err: any) {
      this.#log.error('outbound upgrade of %s failed - %e', id, err)
      maConn.abort(err)
      throw err
    }
  }

  createListener (options: MemoryCreateListenerOptions): Listener {
    return new MemoryListener({
      upgrader: options.upgrader,
      log: this.#log,
      latencyMs: this.#latencyMs,
      maxInFlightBytes: this.#maxInFlightBytes,
      maxConnections: options.maxConnections == null
        ? this.#maxConnections
        : checkNonNegative('maxConnections', options.maxConnections, true),
      nextId
    })
  }

  listenFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => memoryAddressKey(ma) != null)
  }

  dialFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => memoryAddressKey(ma) != null)
  }
}
