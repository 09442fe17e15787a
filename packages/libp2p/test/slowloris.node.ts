/**
 * Sockets that connect and never finish their handshake: the inbound upgrade timeout closes
 * them, `maxIncomingPendingConnections` refuses more of them at once, and a well-behaved peer gets
 * in when slots free up or through the allow list.
 */
import { randomBytes } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { AbortError } from '@libp2p/interface'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { tcp } from '@libp2p/tcp'
import { expect } from 'aegir/chai'
import { createLibp2p } from '../src/index.js'
import { WAIT_MS, noiseInitiator, openSockets, rawConnect, tcpAddress, watchListenerErrors, within } from './adversary.js'
import type { RawSocket } from './adversary.js'
import type { Libp2p } from '../src/libp2p.js'
import type { Stream } from '@libp2p/interface'

const UPGRADE_TIMEOUT_MS = 300
/** attackers connect from here; the good peer dials from 127.0.0.1 */
const ATTACKER_IP = '127.0.0.2'

async function tcpNode (init: Parameters<typeof createLibp2p>[0] = {}): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...init
  })
}

/** read until the stream fails; its error */
async function readUntilError (stream: Stream): Promise<Error> {
  try {
    while (await stream.read() != null) {}
  } catch (err: any) {
    return err
  }
  throw new Error('the stream ended cleanly')
}

describe('slowloris: handshakes that never finish', function () {
  this.timeout(30_000)

  let nodes: Libp2p[] = []
  let sockets: RawSocket[] = []

  afterEach(async () => {
    for (const s of sockets) { s.socket.destroy() }
    sockets = []
    await Promise.all(nodes.map(async n => n.stop()))
    nodes = []
  })

  async function node (init: Parameters<typeof createLibp2p>[0] = {}): Promise<Libp2p> {
    const n = await tcpNode(init)
    nodes.push(n)
    return n
  }

  async function slowloris (target: Libp2p, from = ATTACKER_IP): Promise<RawSocket> {
    const raw = await rawConnect(tcpAddress(target.getMultiaddrs()[0]), from)
    sockets.push(raw)
    return raw
  }

  it('the inbound upgrade timeout closes a socket that sends nothing', async () => {
    const target = await node({ connectionManager: { inboundUpgradeTimeout: UPGRADE_TIMEOUT_MS } })
    const errors = watchListenerErrors(target)
    const failed = errors.next()
    const start = Date.now()
    const raw = await slowloris(target)
    const err = await within(failed, 'the upgrade times out')
    expect(err.name).to.equal('TimeoutError')
    await within(raw.closed, 'the node hangs up')
    const elapsed = Date.now() - start
    expect(elapsed).to.be.at.least(UPGRADE_TIMEOUT_MS - 20).and.below(UPGRADE_TIMEOUT_MS + 2_000)
    await until(() => openSockets(target) === 0, 'the node holds no socket', { timeout: WAIT_MS })
  })

  it('the inbound upgrade timeout closes a socket that stops halfway through the Noise handshake', async () => {
    const target = await node({ connectionManager: { inboundUpgradeTimeout: UPGRADE_TIMEOUT_MS } })
    const errors = watchListenerErrors(target)
    const failed = errors.next()
    const raw = await slowloris(target)
    raw.socket.write(new TextEncoder().encode('\u0013/multistream/1.0.0\n\u0007/noise\n'))
    raw.socket.write(Uint8Array.of(0, 32)) // Noise message A announced, 10 of its 32 bytes sent
    raw.socket.write(randomBytes(10))
    const err = await within(failed, 'the upgrade times out')
    expect(err.name).to.equal('TimeoutError')
    await within(raw.closed, 'the node hangs up')
    await until(() => openSockets(target) === 0, 'the node holds no socket', { timeout: WAIT_MS })
  })

  it('slowloris sockets fill maxIncomingPendingConnections: more are refused at once; a good peer gets in once they time out', async () => {
    const pending = 4
    const target = await node({
      connectionManager: { inboundUpgradeTimeout: 1_500, maxIncomingPendingConnections: pending, inboundConnectionThreshold: 1_000 }
    })
    const good = await node()
    const errors = watchListenerErrors(target)
    const stalled = await Promise.all(Array.from({ length: pending }, async () => slowloris(target)))
    await until(() => openSockets(target) === pending, 'the node holds the stalled sockets', { timeout: WAIT_MS })

    // one more is refused at once, long before any upgrade timeout
    const refusedAt = Date.now()
    const refused = errors.next()
    const extra = await slowloris(target)
    expect((await within(refused, 'the extra socket is refused')).name).to.equal('ConnectionDeniedError')
    await within(extra.closed, 'the node hangs up on the extra socket')
    expect(Date.now() - refusedAt).to.be.below(1_000)

    // so is the good peer, while every slot is taken
    const early = await good.dial(target.getMultiaddrs()[0]).catch(e => e)
    expect(early.name).to.equal('DialError')

    // the stalled sockets time out, which frees their slots
    await Promise.all(stalled.map(async s => within(s.closed, 'a stalled socket is closed by the upgrade timeout')))
    await until(() => errors.errors.filter(e => e.name === 'TimeoutError').length === pending, 'every stalled upgrade timed out', { timeout: WAIT_MS })
    const conn = await good.dial(target.getMultiaddrs()[0])
    expect(conn.remotePeer.toString()).to.equal(target.peerId.toString())
    await until(() => target.getConnections().length === 1, 'the node sees the good peer', { timeout: WAIT_MS })
  })

  it('an allow-listed peer gets in while slowloris sockets hold every pending slot', async () => {
    const pending = 3
    const target = await node({
      connectionManager: { inboundUpgradeTimeout: 20_000, maxIncomingPendingConnections: pending, inboundConnectionThreshold: 1_000, allow: ['/ip4/127.0.0.1'] }
    })
    const good = await node()
    const errors = watchListenerErrors(target)
    await Promise.all(Array.from({ length: pending }, async () => slowloris(target)))
    await until(() => openSockets(target) === pending, 'the node holds the stalled sockets', { timeout: WAIT_MS })
    const refused = errors.next()
    await slowloris(target)
    expect((await within(refused, 'another attacker socket is refused')).name).to.equal('ConnectionDeniedError')

    const conn = await within(good.dial(target.getMultiaddrs()[0]), 'the allow-listed peer connects')
    expect(conn.status).to.equal('open')
    await until(() => target.getConnections().length === 1, 'the node sees the good peer', { timeout: WAIT_MS })
  })

  it('a stream that never finishes protocol negotiation is reset after inboundStreamProtocolNegotiationTimeout', async () => {
    const timeoutMs = 300
    const target = await node({ connectionManager: { inboundStreamProtocolNegotiationTimeout: timeoutMs } })
    await target.handle('/echo/1.0.0', async (stream) => { await stream.closeWrite() })
    const session = await noiseInitiator(tcpAddress(target.getMultiaddrs()[0]), target.peerId)
    const muxer = yamux()().createStreamMuxer(session.secure, { direction: 'outbound' })
    const stalled = await muxer.createStream()
    stalled.send(new TextEncoder().encode('\u0013/multistream/1.0.0\n')) // the header, then nothing
    const start = Date.now()
    const err = await within(readUntilError(stalled), 'the node resets the stalled stream')
    expect(err.name).to.equal('StreamResetError')
    expect(Date.now() - start).to.be.at.least(timeoutMs - 50).and.below(timeoutMs + 2_000)
    const conn = target.getConnections(session.localPeer)[0]
    expect(conn.status).to.equal('open')
    expect(conn.streams).to.be.empty()
    muxer.abort(new AbortError('done'))
    session.raw.socket.destroy()
  })

  it('failed upgrades give their pending slot back', async () => {
    const target = await node({
      connectionManager: { maxIncomingPendingConnections: 2, inboundConnectionThreshold: 1_000 }
    })
    const good = await node()
    const errors = watchListenerErrors(target)
    for (let i = 0; i < 10; i++) {
      const failed = errors.next()
      const raw = await slowloris(target)
      raw.socket.write(new TextEncoder().encode('\u0005hello')) // a multistream-select message without its newline
      expect((await within(failed, 'garbage is refused')).name).to.not.equal('ConnectionDeniedError')
      await within(raw.closed, 'the node hangs up')
    }
    const conn = await within(good.dial(target.getMultiaddrs()[0]), 'the good peer connects')
    expect(conn.status).to.equal('open')
  })
})
