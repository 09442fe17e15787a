import { AbortError, InvalidParametersError } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { RecordingUpgrader, rawConnection } from './recording-upgrader.js'
import { deadline, isFinal, waitFor } from './stream-helpers.js'
import type { RecordingUpgraderInit } from './recording-upgrader.js'
import type { Connection, Listener, MessageStream, MultiaddrConnection, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface TransportTestSetup {
  /** the transport that dials */
  dialer: Transport
  /** the transport that listens (may be the same object as `dialer`) */
  listener: Transport
  /** addresses to listen on; a test listens on one of them per listener, fresh per setup() */
  listenAddrs: Multiaddr[]
  /** addresses to dial instead of the listener's getAddrs() (e.g. 127.0.0.1 for a 0.0.0.0 listener) */
  dialAddrs?: Multiaddr[]
  /** addresses neither filter may keep; default `/ip4/127.0.0.1/udp/9/quic-v1` */
  unsupportedAddrs?: Multiaddr[]
  /**
   * For a listening transport that upgrades inbound connections with the upgrader it was built
   * with (its components'), not the one given to createListener(): connections that arrive
   * through a protocol handler (a relay's STOP, WebRTC signaling) come from no listener. Build
   * the transport with this upgrader, fresh per setup(): every listener of the test then records
   * into it, and a listener's `failInbound` is set on it.
   */
  inboundUpgrader?: RecordingUpgrader
}

export interface TransportTestFixtures {
  /** called before each test */
  setup(): Promise<TransportTestSetup>
  /** called after each test, once the suite closed what it opened */
  teardown(): Promise<void>
  /**
   * Tests this transport cannot pass, by title, each with the reason: they are registered as
   * pending, the reason in their title. Only for what the transport genuinely cannot do (say why);
   * a title that names no test of the suite is an error.
   */
  skip?: Record<string, string>
}

export interface Listening {
  listener: Listener
  upgrader: RecordingUpgrader
  /** what the suite dials: setup's dialAddrs, or the listener's addresses */
  addrs: Multiaddr[]
}

export interface Dialled {
  connection: Connection
  upgrader: RecordingUpgrader
  /** the dialer's byte stream: its raw connection, or a stream of the transport's own muxer (pipes.ts) */
  outbound: MessageStream
  /** the listener's byte stream */
  inbound: MessageStream
  /** the dialer's raw connection */
  outboundRaw: MultiaddrConnection
  /** the listener's raw connection */
  inboundRaw: MultiaddrConnection
}

/** What the test groups share: the current setup, plus listening and dialling that clean up after themselves */
export class SuiteContext {
  readonly #fixtures: TransportTestFixtures
  #setup?: TransportTestSetup
  #listeners: Listener[] = []
  #upgraders: RecordingUpgrader[] = []
  /** the skip list's titles a test was registered under */
  readonly #skipped = new Set<string>()

  constructor (fixtures: TransportTestFixtures) {
    this.#fixtures = fixtures
  }

  /** it(), or a pending test whose title gives the fixtures' reason to skip it */
  test (title: string, fn: (this: Mocha.Context) => void | Promise<void>): void {
    const reason = this.#fixtures.skip?.[title]
    if (reason == null) {
      it(title, fn)
      return
    }
    this.#skipped.add(title)
    it.skip(`${title} (skipped: ${reason})`, fn)
  }

  /** after the tests are registered: a skip entry that matched none is a typo, not a skip */
  checkSkipList (): void {
    const unknown = Object.keys(this.#fixtures.skip ?? {}).filter(title => !this.#skipped.has(title))
    if (unknown.length > 0) { throw new InvalidParametersError(`the skip list names no test of the suite: ${unknown.join('; ')}`) }
  }

  get setup (): TransportTestSetup {
    if (this.#setup == null) { throw new InvalidParametersError('setup() has not run') }
    return this.#setup
  }

  get unsupportedAddrs (): Multiaddr[] {
    return this.setup.unsupportedAddrs ?? [multiaddr('/ip4/127.0.0.1/udp/9/quic-v1')]
  }

  async before (): Promise<void> {
    this.#setup = await this.#fixtures.setup()
    if (this.#setup.listenAddrs.length === 0) { throw new InvalidParametersError('setup() returned no listenAddrs') }
  }

  async after (): Promise<void> {
    for (const upgrader of this.#upgraders.splice(0)) {
      for (const maConn of upgrader.all()) {
        if (!isFinal(maConn)) { maConn.abort(new AbortError('the test ended')) }
      }
    }
    const listeners = this.#listeners.splice(0)
    await Promise.all(listeners.map(async l => l.close({ signal: deadline() })))
    this.#setup = undefined
    await this.#fixtures.teardown()
  }

  /** the recording upgrader of a dial (the suite aborts what it recorded when the test ends) */
  upgrader (init?: RecordingUpgraderInit): RecordingUpgrader {
    return this.#track(new RecordingUpgrader(init))
  }

  #track (upgrader: RecordingUpgrader): RecordingUpgrader {
    if (!this.#upgraders.includes(upgrader)) { this.#upgraders.push(upgrader) }
    return upgrader
  }

  /** a listener of the listening transport on listenAddrs[index], with its own recording upgrader (or the setup's inboundUpgrader) */
  async listen (init?: RecordingUpgraderInit, index = 0): Promise<Listening> {
    const fixed = this.setup.inboundUpgrader
    if (fixed != null) { fixed.failInbound = init?.failInbound }
    const upgrader = this.#track(fixed ?? new RecordingUpgrader(init))
    const listener = this.setup.listener.createListener({ upgrader })
    this.#listeners.push(listener)
    const listening = waitFor(listener, 'listening')
    await listener.listen(this.setup.listenAddrs[index])
    await listening
    const addrs = this.setup.dialAddrs ?? listener.getAddrs()
    if (addrs.length === 0) { throw new InvalidParametersError('the listener reports no addresses and setup() gave no dialAddrs') }
    return { listener, upgrader, addrs }
  }

  /** dial one connection to `listening` and wait for the listener's side of it (dials one at a time) */
  async dial (listening: Listening, init?: RecordingUpgraderInit): Promise<Dialled> {
    const upgrader = this.upgrader(init)
    const before = listening.upgrader.inbound.length
    const connection = await this.setup.dialer.dial(listening.addrs[0], { upgrader, signal: deadline() })
    const outboundRaw = rawConnection(connection)
    const inboundRaw = await listening.upgrader.waitFor('inbound', before + 1, { signal: deadline() })
    const outbound = await upgrader.pipe(outboundRaw, { signal: deadline() })
    const inbound = await listening.upgrader.pipe(inboundRaw, { signal: deadline() })
    return { connection, upgrader, outbound, inbound, outboundRaw, inboundRaw }
  }
}
