/**
 * Two test transports that reach a peer through another connection, so the dial core can be
 * tested with dial tiers without any real transport that has them. `hop()` dials
 * `/memory/<hop>/p2p/<hop id>/memory/<target>/p2p/<target id>` (tier 1, limited): it opens an
 * unlimited connection to the hop through the connection manager, then connects to the target
 * over memory and marks that connection limited. `overHop()` dials `<hop address>/tls` (tier 2,
 * unlimited): it opens a connection through the hop address (a tier-1 dial) through the
 * connection manager, then connects to the target over memory, unlimited. Each records the
 * addresses it was asked to dial, in order.
 */
import { InvalidMultiaddrError, transportSymbol } from '@libp2p/interface'
import { memory } from '@libp2p/memory'
import { multiaddr } from '@multiformats/multiaddr'
import type {
  Connection, ConnectionLimits, ConnectionManager, CreateListenerOptions, DialProfile, DialTransportOptions, Listener, Transport, Upgrader
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface LayeredComponents {
  connectionManager: Pick<ConnectionManager, 'openConnection'>
}

export interface LayeredInit {
  /** the addresses dialled, appended in the order dial() is called */
  dials?: string[]
  /** dial() throws at once, before it opens any connection */
  fail?: boolean
}

const HOP_LIMITS: ConnectionLimits = { seconds: 60 }

/** an address of this shape: what the transport dials through (`inner`), and the target's own memory address */
function split (ma: Multiaddr, shape: string[]): { inner: Multiaddr, target: Multiaddr } | undefined {
  const parts = ma.getComponents()
  if (parts.length !== shape.length || parts.some((c, i) => c.name !== shape[i])) { return undefined }
  return { inner: multiaddr(parts.slice(0, shape.length === 4 ? 2 : 4)), target: multiaddr(parts.slice(2, 4)) }
}

const HOP_SHAPE = ['memory', 'p2p', 'memory', 'p2p']
const OVER_HOP_SHAPE = [...HOP_SHAPE, 'tls']

class LayeredTransport implements Transport {
  readonly [transportSymbol] = true
  readonly #components: LayeredComponents
  readonly #init: LayeredInit
  readonly #shape: string[]
  readonly #profile: DialProfile
  readonly #direct = memory()({})

  constructor (components: LayeredComponents, init: LayeredInit, shape: string[], profile: DialProfile) {
    this.#components = components
    this.#init = init
    this.#shape = shape
    this.#profile = profile
  }

  get [Symbol.toStringTag] (): string {
    return `@test/layered-tier-${this.#profile.tier}`
  }

  dialFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => split(ma, this.#shape) != null)
  }

  listenFilter (): Multiaddr[] {
    return []
  }

  createListener (_options: CreateListenerOptions): Listener {
    throw new InvalidMultiaddrError('a layered test transport does not listen')
  }

  dialProfile (): DialProfile {
    return this.#profile
  }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    this.#init.dials?.push(ma.toString())
    const parts = split(ma, this.#shape)
    if (parts == null) { throw new InvalidMultiaddrError(`${ma.toString()} is not for this transport`) }
    if (this.#init.fail === true) { throw new InvalidMultiaddrError(`${ma.toString()}: this transport was told to fail`) }
    await this.#components.connectionManager.openConnection(parts.inner, {
      signal: options.signal,
      runOnLimitedConnection: this.#profile.tier > 1,
      withinDialTier: this.#profile.tier
    })
    const limits = this.#profile.limited ? HOP_LIMITS : undefined
    const upgrader: Upgrader = {
      upgradeInbound: async (maConn, o) => options.upgrader.upgradeInbound(maConn, o),
      upgradeOutbound: async (maConn, o) => options.upgrader.upgradeOutbound(maConn, { ...o, remotePeer: options.remotePeer, limits })
    }
    return this.#direct.dial(parts.target, { signal: options.signal, upgrader })
  }
}

export function hop (init: LayeredInit = {}): (components: LayeredComponents) => Transport {
  return (components) => new LayeredTransport(components, init, HOP_SHAPE, { limited: true, tier: 1 })
}

export function overHop (init: LayeredInit = {}): (components: LayeredComponents) => Transport {
  return (components) => new LayeredTransport(components, init, OVER_HOP_SHAPE, { limited: false, tier: 2 })
}

/** `<hop's address>/memory/<target key>/p2p/<target>`, from the two nodes' first addresses */
interface HasAddresses {
  getMultiaddrs(): Multiaddr[]
}

export function hopAddress (hopNode: HasAddresses, target: HasAddresses): Multiaddr {
  return hopNode.getMultiaddrs()[0].encapsulate(target.getMultiaddrs()[0])
}
