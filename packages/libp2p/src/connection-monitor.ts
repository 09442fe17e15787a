import { AbortError, ProtocolError } from '@libp2p/interface'
import { AdaptiveTimeout, HandshakeStream, withTimeout } from '@libp2p/utils'
import {
  DEFAULT_PING_INTERVAL_MS, DEFAULT_PING_MAX_TIMEOUT_MS, DEFAULT_PING_MIN_TIMEOUT_MS, DEFAULT_PING_WARMUP_SAMPLES,
  PING_LENGTH_BYTES
} from './constants.js'
import type { ComponentLogger, Connection, ConnectionManager, Logger, Startable, Stream } from '@libp2p/interface'
import type { AdaptiveTimeoutInit } from '@libp2p/utils'

/** `createLibp2p({ connectionMonitor })`: js-libp2p's option names and defaults, except where noted */
export interface ConnectionMonitorInit {
  /** ping every open connection (default true) */
  enabled?: boolean
  /** ms between rounds of pings (default 10 000) */
  pingInterval?: number
  /**
   * How long a ping may take before the connection counts as dead: the mean of recent
   * successful pings plus `deviations` standard deviations, within [minTimeout, maxTimeout] ms
   * (defaults 5 000 and 10 000; js-libp2p's maxTimeout is 60 000). A dead link is noticed within
   * pingInterval + maxTimeout.
   */
  pingTimeout?: Pick<AdaptiveTimeoutInit, 'minTimeout' | 'maxTimeout' | 'deviations' | 'alpha' | 'warmupSamples'>
  /** abort a connection whose ping fails (default true); false only logs */
  abortConnectionOnPingFailure?: boolean
  /** pings use `/<protocolPrefix>/ping/1.0.0` (default 'ipfs') */
  protocolPrefix?: string
}

export interface ConnectionMonitorComponents {
  connectionManager: Pick<ConnectionManager, 'getConnections'>
  logger: ComponentLogger
}

/**
 * errors that say the remote answered, so the connection is alive: it does not speak ping (the
 * negotiation's round trip is the rtt, as js-libp2p does), or it reset the stream (over a limit of
 * its own)
 */
const ANSWERED = new Set(['UnsupportedProtocolError', 'StreamResetError'])
/** errors raised before anything reached the remote: the round is skipped for that connection */
const NOT_SENT = new Set(['LimitExceededError', 'LimitedConnectionError'])

/**
 * Pings every open connection each `pingInterval` with the ping protocol (one stream per ping, as
 * js-libp2p does) and aborts the ones that do not answer within the adaptive timeout, so a link
 * that went silent (a NAT mapping dropped, a cable pulled) does not hold streams open until TCP
 * gives up. A successful ping sets `connection.rtt`; a remote without the ping protocol answers
 * the negotiation, which counts as alive (rtt is then that round trip).
 */
export class ConnectionMonitor implements Startable {
  readonly [Symbol.toStringTag] = '@libp2p/connection-monitor'
  readonly protocol: string
  readonly #components: ConnectionMonitorComponents
  readonly #log: Logger
  readonly #enabled: boolean
  readonly #intervalMs: number
  readonly #abortOnFailure: boolean
  readonly #timeout: AdaptiveTimeout
  /** ids of the connections whose ping is still in flight: they are not pinged again meanwhile */
  readonly #inFlight = new Set<string>()
  #timer?: ReturnType<typeof setInterval>
  #shutdown?: AbortController

  constructor (components: ConnectionMonitorComponents, init: ConnectionMonitorInit = {}) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:connection-monitor')
    this.#enabled = init.enabled ?? true
    this.#intervalMs = init.pingInterval ?? DEFAULT_PING_INTERVAL_MS
    this.#abortOnFailure = init.abortConnectionOnPingFailure ?? true
    this.protocol = `/${init.protocolPrefix ?? 'ipfs'}/ping/1.0.0`
    const minTimeout = init.pingTimeout?.minTimeout ?? DEFAULT_PING_MIN_TIMEOUT_MS
    this.#timeout = new AdaptiveTimeout({
      warmupSamples: DEFAULT_PING_WARMUP_SAMPLES,
      ...init.pingTimeout,
      minTimeout,
      maxTimeout: init.pingTimeout?.maxTimeout ?? Math.max(minTimeout, DEFAULT_PING_MAX_TIMEOUT_MS)
    })
  }

  start (): void {
    if (!this.#enabled || this.#timer != null) { return }
    this.#shutdown = new AbortController()
    this.#timer = setInterval(() => { this.#round() }, this.#intervalMs)
  }

  stop (): void {
    if (this.#timer == null) { return }
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#shutdown?.abort(new AbortError('the connection monitor stopped'))
    this.#shutdown = undefined
  }

  #round (): void {
    const shutdown = this.#shutdown?.signal
    if (shutdown == null) { return }
    for (const connection of this.#components.connectionManager.getConnections()) {
      if (connection.status !== 'open' || this.#inFlight.has(connection.id)) { continue }
      this.#inFlight.add(connection.id)
      void this.#check(connection, shutdown).finally(() => { this.#inFlight.delete(connection.id) })
    }
  }

  /** one ping; a failure (unless the node is stopping or the connection closed meanwhile) aborts the connection */
  async #check (connection: Connection, shutdown: AbortSignal): Promise<void> {
    const timeoutMs = this.#timeout.timeout
    const { signal, done } = withTimeout(timeoutMs, `a ping of ${connection.remotePeer.toString()} by the connection monitor (connectionMonitor.pingTimeout)`, shutdown)
    const start = performance.now()
    let stream: Stream | undefined
    try {
      stream = await connection.newStream(this.protocol, { signal, runOnLimitedConnection: true })
      await this.#roundTrip(stream, signal)
      this.#alive(connection, performance.now() - start)
      await stream.close({ signal })
    } catch (err: any) {
      const error = signal.aborted ? signal.reason : err
      stream?.abort(error)
      if (ANSWERED.has(error.name)) {
        this.#log('ping of %p answered without an echo - %e', connection.remotePeer, error)
        if (error.name === 'UnsupportedProtocolError') { this.#alive(connection, performance.now() - start) }
      } else if (NOT_SENT.has(error.name)) {
        this.#log('ping of %p skipped - %e', connection.remotePeer, error)
      } else if (!shutdown.aborted && connection.status === 'open') {
        this.#failed(connection, error)
      }
    } finally {
      done()
    }
  }

  async #roundTrip (stream: Stream, signal: AbortSignal): Promise<void> {
    const bytes = new HandshakeStream(stream)
    const payload = crypto.getRandomValues(new Uint8Array(PING_LENGTH_BYTES))
    // a transport may hand the sent buffer itself to the other end: compare with a copy
    const expected = payload.slice()
    await bytes.write(payload, { signal })
    const echo = (await bytes.read({ bytes: PING_LENGTH_BYTES, signal })).subarray()
    if (echo.some((b: number, i: number) => b !== expected[i])) {
      throw new ProtocolError('the remote echoed a ping payload other than the one sent')
    }
    bytes.unwrap()
  }

  #alive (connection: Connection, ms: number): void {
    connection.rtt = Math.round(ms)
    this.#timeout.record(ms)
  }

  #failed (connection: Connection, err: Error): void {
    if (!this.#abortOnFailure) {
      this.#log('ping of %p on %s failed, connection kept (abortConnectionOnPingFailure false) - %e', connection.remotePeer, connection.id, err)
      return
    }
    this.#log.error('ping of %p on %s failed, aborting the connection - %e', connection.remotePeer, connection.id, err)
    connection.abort(err)
  }
}
