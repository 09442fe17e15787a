import { connect } from 'node:net'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { httpGet, parsePrometheus, sampleSum } from './fixtures/http-node.js'
import { startNodeProcess } from './fixtures/node-process.js'
import { relayClient, tempDirPerTest } from './fixtures/nodes.js'
import type { NodeProcess } from './fixtures/node-process.js'
import type { Socket } from 'node:net'

/** how long a test waits for a socket to connect or for the node to close one */
const SOCKET_TIMEOUT_MS = 10_000

/**
 * A raw TCP socket to the node that sends nothing: the node counts it as an inbound connection
 * (against inboundConnectionThreshold) and, until its upgrade times out (10 s), as one upgrading
 * (against maxIncomingPendingConnections). `closed` resolves when the node closes it.
 */
interface RawSocket { socket: Socket, closed: Promise<void>, isClosed(): boolean }

async function rawSocket (tcpAddr: string): Promise<RawSocket> {
  const m = tcpAddr.match(/^\/ip4\/([^/]+)\/tcp\/(\d+)/)
  if (m == null) { throw new Error(`not a TCP address: ${tcpAddr}`) }
  const [, host, port] = m
  const socket = connect({ host, port: Number(port) })
  let closedByNode = false
  const closed = new Promise<void>(resolve => { socket.once('close', () => { closedByNode = true; resolve() }) })
  socket.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no TCP connection to ${tcpAddr} within ${SOCKET_TIMEOUT_MS} ms`)) }, SOCKET_TIMEOUT_MS)
    socket.once('connect', () => { clearTimeout(timer); resolve() })
  })
  return { socket, closed, isClosed: () => closedByNode }
}

/** resolves with the index of the first socket the node closes, or rejects after SOCKET_TIMEOUT_MS */
async function firstClosed (sockets: RawSocket[]): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    return await Promise.race([
      ...sockets.map(async (s, i) => { await s.closed; return i }),
      new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`the node closed none of ${sockets.length} sockets within ${SOCKET_TIMEOUT_MS} ms`)) }, SOCKET_TIMEOUT_MS) })
    ])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The connection manager's admission limits as `libp2p node` settings, seen from outside: the
 * refused socket is closed before any handshake, the admitted ones stay open, and the node keeps
 * serving.
 */
describe('libp2p node refuses inbound connections past its admission settings', function () {
  this.timeout(60_000)
  const temp = tempDirPerTest('libp2p-node-admission-')
  let node: NodeProcess | undefined
  const sockets: RawSocket[] = []

  afterEach(async () => {
    for (const s of sockets.splice(0)) { s.socket.destroy() }
    await node?.proc.stop()
    node = undefined
  })

  it('--inbound-connection-threshold N: the (N+1)th connection from 127.0.0.1 within a second is closed, the first N are not', async () => {
    const threshold = 3
    // pending room for all of them, so only the rate can refuse
    node = await startNodeProcess(['--data-dir', temp.dir(), '--inbound-connection-threshold', String(threshold), '--max-incoming-pending-connections', '50'])
    // all at once: the node takes them in one turn of its event loop, in one window of the rate limiter
    sockets.push(...await Promise.all(Array.from({ length: threshold + 1 }, async () => rawSocket(node!.tcpAddr))))
    await firstClosed(sockets)
    // the node refused one, and only one, of the N + 1; which one depends on the order the kernel handed them over
    expect(sockets.filter(s => s.isClosed())).to.have.lengthOf(1)
    // /metrics counts it as an inbound upgrade that failed, by the refusal's error name (the limit that refused it is in the debug log only)
    const [, port] = await node.proc.waitFor('stdout', /status page http:\/\/127\.0\.0\.1:(\d+)\//)
    const samples = parsePrometheus((await httpGet(Number(port), '/metrics')).body)
    expect(sampleSum(samples, 'libp2p_connection_manager_dials_inbound_errors_total', { libp2p_connection_manager_dials_inbound_errors_total: 'ConnectionDeniedError' })).to.equal(1)
  })

  it('--max-incoming-pending-connections N: a connection while N are upgrading is closed, and the node still serves others', async () => {
    const pending = 2
    node = await startNodeProcess(['--data-dir', temp.dir(), '--max-incoming-pending-connections', String(pending), '--inbound-connection-threshold', '100'])
    // one after the other, so the node has taken the first N when the last arrives
    for (let i = 0; i < pending + 1; i++) { sockets.push(await rawSocket(node.tcpAddr)) }
    expect(await firstClosed(sockets)).to.equal(pending)
    expect(sockets.filter(s => s.isClosed())).to.have.lengthOf(1)
    // the silent ones gone, the upgrade slots free again: a real peer gets in
    for (const s of sockets.splice(0)) { s.socket.destroy() }
    const client = await relayClient()
    const target = multiaddr(node.tcpAddr)
    try {
      // the node frees a slot when it reads the silent socket's end, which may come after the client's next dial
      await until(async () => client.services.ping.ping(target, { signal: AbortSignal.timeout(SOCKET_TIMEOUT_MS) }).then(() => true, () => false), 'a ping through the freed slots is answered', { timeout: SOCKET_TIMEOUT_MS, interval: 50 })
    } finally {
      await client.stop()
    }
  })
})
