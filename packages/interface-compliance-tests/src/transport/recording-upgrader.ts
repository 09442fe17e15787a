import { AbortError, InvalidParametersError, StreamCloseEvent, TypedEventEmitter } from '@libp2p/interface'
import { Pipe } from './pipes.js'
import type {
  AbortOptions, Connection, ConnectionEvents, ConnectionStatus, ConnectionTimeline, Direction, Logger,
  MessageStream, MultiaddrConnection, PeerId, Stream, StreamMuxer, Upgrader, UpgraderOptions
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** A member of a RawConnection that needs encryption or a muxer was used */
export class NotUpgradedError extends Error {
  static name = 'NotUpgradedError'
  name = 'NotUpgradedError'
}

/**
 * What the recording upgrader returns: a Connection over the raw MultiaddrConnection, neither
 * encrypted nor multiplexed. id, remoteAddr, direction, status, timeline, log, close(), abort()
 * and the close event work; streams, newStream() and the rest throw NotUpgradedError. remotePeer
 * is the peer the upgrade was told of (the dialer's `remotePeer`, else the upgrader's), unproven
 * but there for a transport that checks it as it would an upgraded connection's (the relay's STOP
 * handler does); with neither it throws NotUpgradedError too.
 * A transport that brings its own muxer (the upgrader's `muxerFactory`) gets it built: `muxer`
 * is then set, `multiplexer` and `streams` are the muxer's, and close()/abort() go through it.
 */
export class RawConnection extends TypedEventEmitter<ConnectionEvents> implements Connection {
  readonly maConn: MultiaddrConnection
  readonly id: string
  readonly remoteAddr: Multiaddr
  readonly direction: Direction
  readonly log: Logger
  readonly direct: boolean
  /** the transport's own muxer, when it brought one */
  readonly muxer?: StreamMuxer
  readonly #remotePeer?: PeerId

  constructor (maConn: MultiaddrConnection, muxer?: StreamMuxer, remotePeer?: PeerId) {
    super()
    this.maConn = maConn
    this.muxer = muxer
    this.#remotePeer = remotePeer
    this.id = maConn.id
    this.remoteAddr = maConn.remoteAddr
    this.direction = maConn.direction
    this.log = maConn.log
    this.direct = maConn.direct ?? true
    maConn.addEventListener('close', (evt) => {
      this.dispatchEvent(new StreamCloseEvent(evt.local, evt.error))
    }, { once: true })
  }

  get status (): ConnectionStatus {
    const status = this.maConn.status
    return status === 'open' || status === 'closing' ? status : 'closed'
  }

  get timeline (): ConnectionTimeline {
    return this.maConn.timeline
  }

  get remotePeer (): PeerId {
    if (this.#remotePeer != null) { return this.#remotePeer }
    throw new NotUpgradedError('a raw connection has no proven remote peer')
  }

  get encryption (): string | undefined {
    throw new NotUpgradedError('a raw connection is not encrypted')
  }

  get multiplexer (): string | undefined {
    if (this.muxer != null) { return this.muxer.protocol }
    throw new NotUpgradedError('a raw connection has no muxer')
  }

  get limits (): undefined {
    throw new NotUpgradedError('a raw connection has no limits')
  }

  get streams (): Stream[] {
    if (this.muxer != null) { return this.muxer.streams }
    throw new NotUpgradedError('a raw connection has no streams')
  }

  async newStream (): Promise<Stream> {
    throw new NotUpgradedError('a raw connection cannot open streams')
  }

  async close (options?: AbortOptions): Promise<void> {
    await (this.muxer ?? this.maConn).close(options)
  }

  abort (err: Error): void {
    (this.muxer ?? this.maConn).abort(err)
  }
}

/** the raw connection under a Connection made by RecordingUpgrader */
export function rawConnection (connection: Connection): MultiaddrConnection {
  if (connection instanceof RawConnection) { return connection.maConn }
  throw new NotUpgradedError('the connection was not made by a RecordingUpgrader')
}

export interface RecordingUpgraderInit {
  /** upgradeInbound rejects with this error (the listener should emit `error` and drop the connection) */
  failInbound?: Error
  /** upgradeOutbound waits until its signal aborts, then rejects with AbortError */
  holdOutbound?: boolean
  /** the remote peer of the connections it makes where the upgrade names none (a stand-in: nothing proves it) */
  remotePeer?: PeerId
}

interface CountWaiter {
  direction: Direction
  count: number
  resolve(maConn: MultiaddrConnection): void
}

/**
 * An Upgrader for transport tests: it records every raw connection it is given and returns a
 * RawConnection around it, so tests see exactly the bytes the transport carries.
 */
export class RecordingUpgrader implements Upgrader {
  readonly inbound: MultiaddrConnection[] = []
  readonly outbound: MultiaddrConnection[] = []
  readonly outboundOptions: Array<UpgraderOptions | undefined> = []
  failInbound?: Error
  holdOutbound: boolean
  readonly remotePeer?: PeerId
  #waiters: CountWaiter[] = []
  /** the suite's byte stream of each recorded raw connection */
  readonly #pipes = new Map<MultiaddrConnection, Pipe>()

  constructor (init: RecordingUpgraderInit = {}) {
    this.failInbound = init.failInbound
    this.holdOutbound = init.holdOutbound ?? false
    this.remotePeer = init.remotePeer
  }

  async upgradeOutbound (maConn: MultiaddrConnection, options?: UpgraderOptions): Promise<Connection> {
    this.#record('outbound', maConn, options)
    this.outboundOptions.push(options)
    if (this.holdOutbound) {
      await waitForAbort(options?.signal)
    }
    return this.#connection(maConn, options)
  }

  async upgradeInbound (maConn: MultiaddrConnection, options?: UpgraderOptions): Promise<Connection> {
    this.#record('inbound', maConn, options)
    if (this.failInbound != null) {
      throw this.failInbound
    }
    return this.#connection(maConn, options)
  }

  /**
   * The byte stream the suite's tests use on a raw connection this upgrader recorded: the raw
   * connection itself, or a stream of the transport's own muxer (pipes.ts says which one).
   */
  async pipe (maConn: MultiaddrConnection, options?: AbortOptions): Promise<MessageStream> {
    const pipe = this.#pipes.get(maConn)
    if (pipe == null) { throw new InvalidParametersError(`${maConn.id} was not recorded by this upgrader`) }
    return pipe.get(options)
  }

  /** resolves with the `count`-th raw connection of that direction (1-based) once it arrives */
  async waitFor (direction: Direction, count: number, options?: AbortOptions): Promise<MultiaddrConnection> {
    const list = direction === 'inbound' ? this.inbound : this.outbound
    if (list.length >= count) { return list[count - 1] }
    const signal = options?.signal
    if (signal?.aborted === true) { throw new AbortError(`waiting for ${direction} connection ${count} was aborted`) }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter(w => w !== waiter)
        reject(new AbortError(`waiting for ${direction} connection ${count} was aborted (${list.length} arrived)`))
      }
      const waiter: CountWaiter = {
        direction,
        count,
        resolve: (maConn) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(maConn)
        }
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiters.push(waiter)
    })
  }

  /** every recorded raw connection, both directions */
  all (): MultiaddrConnection[] {
    return [...this.outbound, ...this.inbound]
  }

  #connection (maConn: MultiaddrConnection, options?: UpgraderOptions): RawConnection {
    const factory = options?.muxerFactory
    const remotePeer = options?.remotePeer ?? this.remotePeer
    if (factory == null) { return new RawConnection(maConn, undefined, remotePeer) }
    const muxer = factory.createStreamMuxer(maConn, { direction: maConn.direction })
    this.#pipes.get(maConn)?.setMuxer(muxer)
    return new RawConnection(maConn, muxer, remotePeer)
  }

  #record (direction: Direction, maConn: MultiaddrConnection, options?: UpgraderOptions): void {
    const list = direction === 'inbound' ? this.inbound : this.outbound
    this.#pipes.set(maConn, new Pipe(maConn, options?.muxerFactory != null))
    list.push(maConn)
    const ready = this.#waiters.filter(w => w.direction === direction && w.count <= list.length)
    this.#waiters = this.#waiters.filter(w => !ready.includes(w))
    for (const w of ready) { w.resolve(list[w.count - 1]) }
  }
}

async function waitForAbort (signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal == null) { return } // held until the test ends: the transport passed no signal
    if (signal.aborted) {
      reject(new AbortError('the upgrade was aborted'))
      return
    }
    signal.addEventListener('abort', () => { reject(new AbortError('the upgrade was aborted')) }, { once: true })
  })
}
