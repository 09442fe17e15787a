import { AbortError, NotStartedError } from '@libp2p/interface'
import type { Registrar, StreamHandler } from '@libp2p/interface'

export interface ProtocolServiceInit {
  /** names the service in its errors: `<name> stopped` (AbortError), `<name> is not started` (NotStartedError) */
  name: string
  /** the protocol id handled while started */
  protocol: string
  registrar: Pick<Registrar, 'handle' | 'unhandle'>
  /** called for each inbound stream of the protocol */
  handler: StreamHandler
  /** streams of the protocol a remote may hold open on one connection */
  maxInboundStreams: number
  /** streams of the protocol this node opens on one connection (for the service's own newStream calls) */
  maxOutboundStreams: number
  /** handle the protocol on limited (relayed) connections too */
  runOnLimitedConnection: boolean
}

/**
 * The start/stop part shared by the protocol services (identify, identify push, ping, perf), used
 * by composition: start() marks the service started (a fresh shutdown signal) and then registers
 * the handler with the registrar under the given stream limits; stop() aborts that signal with
 * `AbortError('<name> stopped')` and then unregisters the handler. Both do nothing when already in
 * the state asked for, so a service that adds work of its own checks isStarted() first.
 *
 * The service counts as started from the moment start() is called (a second start() during the
 * first returns at once); if the registrar rejects, the error is thrown and it stays started.
 */
export class ProtocolService {
  readonly name: string
  readonly protocol: string
  readonly maxInboundStreams: number
  readonly maxOutboundStreams: number
  readonly runOnLimitedConnection: boolean
  readonly #registrar: Pick<Registrar, 'handle' | 'unhandle'>
  readonly #handler: StreamHandler
  #shutdown?: AbortController

  constructor (init: ProtocolServiceInit) {
    this.name = init.name
    this.protocol = init.protocol
    this.maxInboundStreams = init.maxInboundStreams
    this.maxOutboundStreams = init.maxOutboundStreams
    this.runOnLimitedConnection = init.runOnLimitedConnection
    this.#registrar = init.registrar
    this.#handler = init.handler
  }

  isStarted (): boolean {
    return this.#shutdown != null
  }

  /** aborts when the service stops; undefined while stopped */
  get signal (): AbortSignal | undefined {
    return this.#shutdown?.signal
  }

  /** the shutdown signal of a started service; throws NotStartedError (`<name> is not started`) when stopped */
  startedSignal (): AbortSignal {
    if (this.#shutdown == null) { throw new NotStartedError(`${this.name} is not started`) }
    return this.#shutdown.signal
  }

  async start (): Promise<void> {
    if (this.#shutdown != null) { return }
    this.#shutdown = new AbortController()
    await this.#registrar.handle(this.protocol, this.#handler, {
      maxInboundStreams: this.maxInboundStreams,
      maxOutboundStreams: this.maxOutboundStreams,
      runOnLimitedConnection: this.runOnLimitedConnection
    })
  }

  async stop (): Promise<void> {
    if (this.#shutdown == null) { return }
    this.#shutdown.abort(new AbortError(`${this.name} stopped`))
    this.#shutdown = undefined
    await this.#registrar.unhandle(this.protocol)
  }
}
