import { InvalidParametersError, UnsupportedTransportError } from '@libp2p/interface'
import { MAX_DIAL_TIER } from './constants.js'
import type {
  AbortOptions, ComponentLogger, Connection, DialProfile, Libp2pEvents, Listener, Logger, PeerId, Transport,
  TransportManager as TransportManagerInterface, TypedEventTarget, Upgrader
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface TransportManagerComponents {
  upgrader: Upgrader
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface TransportManagerInit {
  /** fail start() when an address in addresses.listen has no transport or cannot be bound (default true) */
  failOnUnsupportedListenAddress?: boolean
}

/** Holds the transports, picks one per address, and owns their listeners */
export class TransportManager implements TransportManagerInterface {
  readonly #components: TransportManagerComponents
  readonly #transports = new Map<string, Transport>()
  readonly #listeners = new Map<string, Listener[]>()
  readonly #log: Logger
  readonly #failOnUnsupported: boolean

  constructor (components: TransportManagerComponents, init: TransportManagerInit = {}) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:transports')
    this.#failOnUnsupported = init.failOnUnsupportedListenAddress ?? true
  }

  /**
   * Adds a transport, keyed by its `Symbol.toStringTag`
   *
   * @throws {InvalidParametersError} when the transport has no tag, or another transport already has its tag
   */
  add (transport: Transport): void {
    const key = transport[Symbol.toStringTag]
    if (typeof key !== 'string' || key === '') {
      throw new InvalidParametersError('a transport needs a Symbol.toStringTag')
    }
    if (this.#transports.has(key)) {
      throw new InvalidParametersError(`a transport tagged ${key} was already added`)
    }
    this.#log('added transport %s', key)
    this.#transports.set(key, transport)
  }

  getTransports (): Transport[] {
    return [...this.#transports.values()]
  }

  getListeners (): Listener[] {
    return [...this.#listeners.values()].flat()
  }

  transportForMultiaddr (ma: Multiaddr): Transport | undefined {
    for (const transport of this.#transports.values()) {
      if (transport.dialFilter([ma]).length > 0) { return transport }
    }
    return undefined
  }

  /**
   * A transport that does not describe its dials dials like TCP: its connection is unlimited and
   * it opens no other.
   *
   * @throws {InvalidParametersError} when the transport declares a tier that is not an integer from 0 to MAX_DIAL_TIER
   */
  dialProfile (ma: Multiaddr): DialProfile | undefined {
    const transport = this.transportForMultiaddr(ma)
    if (transport == null) { return undefined }
    const profile = transport.dialProfile?.(ma) ?? { limited: false, tier: 0 }
    if (!Number.isInteger(profile.tier) || profile.tier < 0 || profile.tier > MAX_DIAL_TIER) {
      throw new InvalidParametersError(`${transport[Symbol.toStringTag]} declares dial tier ${String(profile.tier)} for ${ma.toString()}: a tier is an integer from 0 to MAX_DIAL_TIER (${MAX_DIAL_TIER})`)
    }
    return profile
  }

  async dial (ma: Multiaddr, options: Required<AbortOptions> & { remotePeer?: PeerId }): Promise<Connection> {
    const transport = this.transportForMultiaddr(ma)
    if (transport == null) {
      throw new UnsupportedTransportError(`no transport can dial ${ma.toString()}`)
    }
    return transport.dial(ma, { ...options, upgrader: this.#components.upgrader })
  }

  async listen (addrs: Multiaddr[]): Promise<void> {
    const unsupported: Multiaddr[] = []
    const failures: Error[] = []
    for (const ma of addrs) {
      const transport = [...this.#transports.values()].find(t => t.listenFilter([ma]).length > 0)
      if (transport == null) {
        unsupported.push(ma)
        continue
      }
      const listener = transport.createListener({ upgrader: this.#components.upgrader })
      const key = transport[Symbol.toStringTag]
      this.#listeners.set(key, [...(this.#listeners.get(key) ?? []), listener])
      listener.addEventListener('listening', () => {
        this.#components.events.safeDispatchEvent('transport:listening', { detail: listener })
      })
      const forget = (): void => {
        this.#listeners.set(key, (this.#listeners.get(key) ?? []).filter(l => l !== listener))
      }
      listener.addEventListener('close', () => {
        forget()
        this.#components.events.safeDispatchEvent('transport:close', { detail: listener })
      })
      try {
        await listener.listen(ma)
      } catch (err: any) {
        this.#log.error('could not listen on %a - %e', ma, err)
        failures.push(err)
        // a listener that never listened is not kept (it would never close or report an address)
        forget()
      }
    }
    if (this.#failOnUnsupported && (unsupported.length > 0 || failures.length > 0)) {
      const what = unsupported.length > 0 ? `no transport for ${unsupported.map(String).join(', ')}` : failures.map(e => e.message).join('; ')
      // the transport's own error (e.g. ListenError for a port in use) stays reachable as the cause
      let cause: Error | undefined = failures[0]
      if (failures.length > 1) { cause = new AggregateError(failures, what) }
      throw new UnsupportedTransportError(`could not listen: ${what}`, { cause })
    }
  }

  getAddrs (): Multiaddr[] {
    return this.getListeners().flatMap(l => l.getAddrs())
  }

  async stop (): Promise<void> {
    const listeners = this.getListeners()
    await Promise.all(listeners.map(async l => l.close()))
    this.#listeners.clear()
  }
}
