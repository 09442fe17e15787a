import { ProtocolError, serviceCapabilities } from '@libp2p/interface'
import { HandshakeStream, ProtocolService, withTimeout } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_OUTBOUND_STREAMS, DEFAULT_PROTOCOL_PREFIX,
  DEFAULT_TIMEOUT_MS, PING_LENGTH_BYTES, PROTOCOL_NAME, PROTOCOL_VERSION
} from './constants.js'
import type { PingComponents, PingInit, Ping as PingInterface } from './types.js'
import type { AbortOptions, Connection, Logger, Multiaddr, PeerId, Startable, Stream } from '@libp2p/interface'

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) { return false }
  for (let i = 0; i < a.byteLength; i++) {
    if (a[i] !== b[i]) { return false }
  }
  return true
}

/**
 * `/ipfs/ping/1.0.0`: echoes 32-byte payloads on inbound streams until the remote closes its
 * write side, and measures round trips to other peers with one stream per ping.
 */
export class Ping implements PingInterface, Startable {
  readonly protocol: string
  readonly #components: PingComponents
  readonly #log: Logger
  readonly #timeoutMs: number
  readonly #idleTimeoutMs: number
  readonly #service: ProtocolService

  constructor (components: PingComponents, init: PingInit = {}) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:ping')
    this.protocol = `/${init.protocolPrefix ?? DEFAULT_PROTOCOL_PREFIX}/${PROTOCOL_NAME}/${PROTOCOL_VERSION}`
    this.#timeoutMs = init.timeout ?? DEFAULT_TIMEOUT_MS
    this.#idleTimeoutMs = init.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS
    this.#service = new ProtocolService({
      name: 'ping',
      protocol: this.protocol,
      registrar: components.registrar,
      handler: async (stream, connection) => { await this.#echo(stream, connection) },
      maxInboundStreams: init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS,
      maxOutboundStreams: init.maxOutboundStreams ?? DEFAULT_MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: init.runOnLimitedConnection ?? true
    })
  }

  readonly [Symbol.toStringTag] = '@libp2p/ping'
  /** what other services may depend on (js-libp2p's serviceCapabilities: `@libp2p/kad-dht` needs identify and ping) */
  readonly [serviceCapabilities] = ['@libp2p/ping']

  async start (): Promise<void> {
    await this.#service.start()
  }

  async stop (): Promise<void> {
    await this.#service.stop()
  }

  async ping (peer: PeerId | Multiaddr | Multiaddr[], options: AbortOptions = {}): Promise<number> {
    const { signal, done } = withTimeout(this.#timeoutMs, 'ping (timeout)', this.#service.startedSignal(), options.signal)
    let stream: Stream | undefined
    try {
      const connection = await this.#components.connectionManager.openConnection(peer, { signal })
      stream = await connection.newStream(this.protocol, {
        signal,
        runOnLimitedConnection: this.#service.runOnLimitedConnection,
        maxOutboundStreams: this.#service.maxOutboundStreams
      })
      const payload = crypto.getRandomValues(new Uint8Array(PING_LENGTH_BYTES))
      // transports may pass the sent buffer itself along (the memory transport does): compare with a copy
      const expected = payload.slice()
      const bytes = new HandshakeStream(stream)
      const start = performance.now()
      await bytes.write(payload, { signal })
      const echo = await bytes.read(PING_LENGTH_BYTES, { signal })
      const rtt = performance.now() - start
      if (!equalBytes(echo.subarray(), expected)) {
        throw new ProtocolError(`${connection.remotePeer} echoed a ping payload other than the one sent`)
      }
      const rest = bytes.unwrap()
      await rest.close({ signal })
      // the stream counts against maxOutboundStreams until the remote's EOF ends it: wait for it,
      // so that a ping right after this one on the same connection is not refused
      if (await rest.read({ signal }) != null) {
        throw new ProtocolError(`${connection.remotePeer} sent more than the ping echo`)
      }
      return rtt
    } catch (err: any) {
      const error = signal.aborted ? signal.reason : err
      stream?.abort(error)
      throw error
    } finally {
      done()
    }
  }

  /** echo every whole payload as it arrives until EOF, then close */
  async #echo (stream: Stream, connection: Connection): Promise<void> {
    const shutdown = this.#service.signal
    const buffer = new Uint8ArrayList()
    try {
      while (true) {
        const chunk = await this.#within(this.#idleTimeoutMs, `waiting for a ping from ${connection.remotePeer} (idleTimeout)`, shutdown, async (signal) => {
          const chunk = await stream.read({ signal })
          if (chunk == null) { return null }
          buffer.append(chunk)
          const whole = buffer.byteLength - (buffer.byteLength % PING_LENGTH_BYTES)
          if (whole > 0) {
            const out = buffer.sublist(0, whole)
            buffer.consume(whole)
            if (!stream.send(out)) { await stream.onDrain({ signal }) }
          }
          return chunk
        })
        if (chunk == null) { break }
      }
      if (buffer.byteLength > 0) {
        this.#log('%p closed a ping stream %d bytes into a payload', connection.remotePeer, buffer.byteLength)
      }
      await this.#within(this.#timeoutMs, `closing a ping stream from ${connection.remotePeer} (timeout)`, shutdown, async (signal) => {
        await stream.close({ signal })
      })
    } catch (err: any) {
      this.#log('ping stream from %p failed - %e', connection.remotePeer, err)
      stream.abort(err)
    }
  }

  /** run `fn` with a deadline; whatever it throws once the deadline or `shutdown` fired, their reason is the error */
  async #within<T> (ms: number, what: string, shutdown: AbortSignal | undefined, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const { signal, done } = withTimeout(ms, what, shutdown)
    try {
      return await fn(signal)
    } catch (err: any) {
      throw signal.aborted ? signal.reason : err
    } finally {
      done()
    }
  }
}
