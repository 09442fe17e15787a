import { createConnection, createServer } from 'node:net'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { echo } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { WAIT_MS, tcpAddress, within } from './adversary.js'
import { TestNodes, closed } from './connection-manager-fixtures.js'
import type { ConnectionMonitorInit } from '../src/index.js'
import type { Libp2p } from '../src/libp2p.js'
import type { Connection, Stream } from '@libp2p/interface'
import type { AddressInfo, Server, Socket } from 'node:net'

const PING = '/ipfs/ping/1.0.0'
const SINK = '/test/sink/1.0.0'

/** small intervals so that the tests run fast; the bound on noticing a dead link is pingInterval + maxTimeout */
const FAST: ConnectionMonitorInit = { pingInterval: 100, pingTimeout: { minTimeout: 500, maxTimeout: 1000 } }
const FAST_BOUND_MS = 100 + 1000

/**
 * A user-space TCP proxy on 127.0.0.1 in front of one listener. `silence()` stops forwarding in
 * both directions without closing anything: the link goes quiet as a dropped NAT mapping or a
 * pulled cable would make it, and neither end sees a FIN or a reset.
 */
class SilenceableProxy {
  readonly #server: Server
  readonly #sockets: Socket[] = []
  #silent = false

  constructor (target: { host: string, port: number }) {
    this.#server = createServer((client) => {
      const upstream = createConnection(target)
      this.#sockets.push(client, upstream)
      for (const [from, to] of [[client, upstream], [upstream, client]]) {
        from.on('data', (chunk: Buffer) => { if (!this.#silent) { to.write(chunk) } })
        from.on('error', () => {})
      }
    })
  }

  async listen (): Promise<number> {
    await new Promise<void>(resolve => { this.#server.listen(0, '127.0.0.1', resolve) })
    return (this.#server.address() as AddressInfo).port
  }

  /** stop forwarding: what arrives now is dropped, and reading stops so the senders' buffers fill */
  silence (): void {
    this.#silent = true
    for (const s of this.#sockets) { s.pause() }
  }

  async close (): Promise<void> {
    for (const s of this.#sockets) { s.destroy() }
    await new Promise<void>(resolve => { this.#server.close(() => { resolve() }) })
  }
}

/** answers pings as the ping protocol does, and resolves `reached` once it has echoed `rounds` streams */
function countingPingHandler (node: Libp2p, rounds: number): { count(): number, reached: Promise<void> } {
  let n = 0
  let done: () => void = () => {}
  const reached = new Promise<void>(resolve => { done = resolve })
  void node.handle(PING, async (stream) => {
    await echo(stream)
    if (++n >= rounds) { done() }
  }, { maxInboundStreams: 4 })
  return { count: () => n, reached }
}

/** sends to the stream until it fails (the connection is aborted) */
async function sendUntilFailure (stream: Stream): Promise<void> {
  const chunk = new Uint8Array(64 * 1024)
  try {
    while (true) {
      if (!stream.send(chunk)) { await stream.onDrain() }
    }
  } catch {
    // the connection was aborted: the point of the test
  }
}

describe('connection monitor', function () {
  this.timeout(20_000)
  const nodes = new TestNodes()
  let proxy: SilenceableProxy | undefined

  afterEach(async () => {
    await proxy?.close()
    proxy = undefined
    await nodes.cleanUp()
  })

  async function dialThroughProxy (dialer: Libp2p, listener: Libp2p): Promise<Connection> {
    proxy = new SilenceableProxy(tcpAddress(listener.getMultiaddrs()[0]))
    const port = await proxy.listen()
    return dialer.dial(multiaddr(`/ip4/127.0.0.1/tcp/${port}/p2p/${listener.peerId.toString()}`))
  }

  it('aborts a connection whose link goes silent mid-transfer within pingInterval + maxTimeout', async () => {
    const listener = await nodes.node({ connectionMonitor: FAST })
    const dialer = await nodes.node({ connectionMonitor: FAST })
    countingPingHandler(listener, 1)
    countingPingHandler(dialer, 1)
    let received = 0
    let flowing: () => void = () => {}
    const transferring = new Promise<void>(resolve => { flowing = resolve })
    await listener.handle(SINK, async (stream) => {
      try {
        for await (const chunk of stream) {
          received += chunk.byteLength
          if (received > 4 * 1024 * 1024) { flowing() }
        }
      } catch {
        // aborted with the connection
      }
    })

    const connection = await dialThroughProxy(dialer, listener)
    const stream = await connection.newStream(SINK)
    const sending = sendUntilFailure(stream)
    await within(transferring, 'the transfer through the proxy')
    const inbound = listener.getConnections(dialer.peerId)[0]
    expect(connection.status).to.equal('open')
    expect(inbound.status).to.equal('open')

    proxy?.silence()
    const silencedAt = Date.now()
    let closeError: Error | undefined
    connection.addEventListener('close', (evt) => {
      // js-libp2p 3's StreamCloseEvent carries `error`; the CustomEvent the connection dispatched before carried it in `detail`
      const event = evt as unknown as { error?: Error, detail?: { error?: Error } }
      closeError = event.error ?? event.detail?.error
    })
    await within(closed(connection), 'the dialer aborting the silent connection', FAST_BOUND_MS + 3_000)
    const elapsed = Date.now() - silencedAt
    await within(closed(inbound), 'the listener aborting the silent connection', FAST_BOUND_MS + 3_000)
    await within(sending, 'the sender failing')

    expect(closeError?.name).to.equal('TimeoutError')
    expect(elapsed).to.be.below(FAST_BOUND_MS + 1_000)
    expect(dialer.getConnections(listener.peerId)).to.have.lengthOf(0)
  })

  it('keeps healthy idle connections through several rounds and records their rtt', async () => {
    const init = { connectionMonitor: { pingInterval: 50, pingTimeout: { minTimeout: 500, maxTimeout: 1000 } } }
    const listener = await nodes.node(init)
    const dialer = await nodes.node(init)
    const pings = countingPingHandler(listener, 6)
    countingPingHandler(dialer, 1)
    const connection = await dialer.dial(listener.getMultiaddrs()[0])

    await within(pings.reached, 'six monitor pings of an idle connection')
    expect(connection.status).to.equal('open')
    expect(listener.getConnections(dialer.peerId).map(c => c.status)).to.deep.equal(['open'])
    expect(connection.rtt).to.be.a('number').that.is.at.least(0)
  })

  it('counts a remote without the ping protocol as alive (its refusal is the answer), as js-libp2p does', async () => {
    const init = { connectionMonitor: { pingInterval: 50 } }
    const listener = await nodes.node(init) // no ping handler
    const dialer = await nodes.node({ connectionMonitor: { enabled: false } })
    const connection = await dialer.dial(listener.getMultiaddrs()[0])
    await until(() => listener.getConnections(dialer.peerId).length > 0, 'the listener\'s side of the connection', { timeout: WAIT_MS })
    const inbound = listener.getConnections(dialer.peerId)[0]

    // the listener's monitor pings the dialer, which does not speak ping either: each round sets rtt again
    for (let round = 0; round < 3; round++) {
      inbound.rtt = undefined
      await until(() => inbound.rtt != null, `monitor round ${round + 1} on a remote without ping`, { timeout: WAIT_MS })
    }
    expect(inbound.status).to.equal('open')
    expect(connection.status).to.equal('open')
    expect(connection.rtt, 'the dialer monitor is disabled').to.equal(undefined)
  })

  it('with abortConnectionOnPingFailure false, keeps a connection whose pings fail', async () => {
    const listener = await nodes.node({ connectionMonitor: { enabled: false } })
    let answered = 0
    // a ping handler that reads and never answers: every ping times out
    await listener.handle(PING, async (stream) => {
      answered++
      for await (const chunk of stream) { void chunk }
    }, { maxInboundStreams: 8 })
    const dialer = await nodes.node({ connectionMonitor: { pingInterval: 50, pingTimeout: { minTimeout: 100, maxTimeout: 100 }, abortConnectionOnPingFailure: false } })
    const connection = await dialer.dial(listener.getMultiaddrs()[0])
    await until(() => answered >= 3, 'three unanswered pings', { timeout: WAIT_MS })
    expect(connection.status).to.equal('open')
  })
})
