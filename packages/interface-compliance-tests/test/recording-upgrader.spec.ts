import { TypedEventEmitter } from '@libp2p/interface'
import { messageStreamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { RecordingUpgrader, rawConnection } from '../src/transport/index.js'
import type { Connection, MessageStream, MultiaddrConnection, Stream, StreamMuxer, StreamMuxerEvents, StreamMuxerFactory } from '@libp2p/interface'

function rawPair (): [MultiaddrConnection, MultiaddrConnection] {
  const [a, b] = messageStreamPair()
  return [Object.assign(a, { remoteAddr: multiaddr('/memory/b') }), Object.assign(b, { remoteAddr: multiaddr('/memory/a') })]
}

/** a muxer whose one outbound stream is given, as a transport with native streams brings it */
class OneStreamMuxer extends TypedEventEmitter<StreamMuxerEvents> implements StreamMuxer {
  readonly protocol = '/one-stream'
  readonly status = 'open'
  readonly streams: Stream[] = []
  readonly #outbound: MessageStream

  constructor (outbound: MessageStream) {
    super()
    this.#outbound = outbound
  }

  createStream (): Stream {
    return this.#outbound as unknown as Stream
  }

  async close (): Promise<void> {}
  abort (): void {}
}

function factoryOf (muxer: StreamMuxer): StreamMuxerFactory {
  return { protocol: muxer.protocol, createStreamMuxer: () => muxer }
}

describe('RecordingUpgrader', () => {
  it('records raw connections and wraps them', async () => {
    const upgrader = new RecordingUpgrader()
    const [a, b] = rawPair()
    const waiting = upgrader.waitFor('inbound', 1)
    const outbound = await upgrader.upgradeOutbound(a)
    const inbound = await upgrader.upgradeInbound(b)
    expect(await waiting).to.equal(b)
    expect(upgrader.outbound).to.deep.equal([a])
    expect(upgrader.all()).to.deep.equal([a, b])
    expect(rawConnection(outbound)).to.equal(a)
    expect(rawConnection(inbound)).to.equal(b)
    expect(outbound.direction).to.equal('outbound')
    expect(outbound.remoteAddr.toString()).to.equal('/memory/b')
    expect(outbound.status).to.equal('open')
  })

  it('gives a RawConnection whose upgraded members throw NotUpgradedError', async () => {
    const [a] = rawPair()
    const connection = await new RecordingUpgrader().upgradeOutbound(a)
    expect(() => connection.remotePeer).to.throw().with.property('name', 'NotUpgradedError')
    expect(() => connection.streams).to.throw().with.property('name', 'NotUpgradedError')
    expect(() => connection.encryption).to.throw().with.property('name', 'NotUpgradedError')
    await expect(connection.newStream('/x')).to.eventually.be.rejected.with.property('name', 'NotUpgradedError')
    expect(() => rawConnection({} as unknown as Connection)).to.throw().with.property('name', 'NotUpgradedError')
  })

  it('forwards close and abort to the raw connection, and its close event', async () => {
    const upgrader = new RecordingUpgrader()
    const [a, b] = rawPair()
    const connection = await upgrader.upgradeOutbound(a)
    let closed: Error | undefined
    connection.addEventListener('close', (evt) => { closed = evt.detail.error })
    connection.abort(new Error('test'))
    expect(connection.status).to.equal('closed')
    expect(closed?.message).to.equal('test')
    expect(b.status).to.equal('reset')
  })

  it('fails inbound upgrades on request and holds outbound ones until their signal aborts', async () => {
    const failure = new Error('no')
    const upgrader = new RecordingUpgrader({ failInbound: failure, holdOutbound: true })
    const [a, b] = rawPair()
    await expect(upgrader.upgradeInbound(b)).to.eventually.be.rejectedWith(failure)
    const controller = new AbortController()
    const held = upgrader.upgradeOutbound(a, { signal: controller.signal })
    controller.abort()
    await expect(held).to.eventually.be.rejected.with.property('name', 'AbortError')
  })

  it('waitFor honours its signal', async () => {
    const upgrader = new RecordingUpgrader()
    const controller = new AbortController()
    const waiting = upgrader.waitFor('outbound', 2, { signal: controller.signal })
    controller.abort()
    await expect(waiting).to.eventually.be.rejected.with.property('name', 'AbortError')
  })

  it('gives the raw connection as the pipe, or a stream of the muxer a transport brings', async () => {
    const upgrader = new RecordingUpgrader()
    const [a, b] = rawPair()
    await upgrader.upgradeOutbound(a)
    expect(await upgrader.pipe(a)).to.equal(a)

    const [dialerStream, listenerStream] = messageStreamPair()
    const outboundMuxer = new OneStreamMuxer(dialerStream)
    const inboundMuxer = new OneStreamMuxer(listenerStream)
    const outbound = await upgrader.upgradeOutbound(a, { muxerFactory: factoryOf(outboundMuxer) })
    expect(outbound.multiplexer).to.equal('/one-stream')
    expect(await upgrader.pipe(a)).to.equal(dialerStream)
    await upgrader.upgradeInbound(b, { muxerFactory: factoryOf(inboundMuxer) })
    const inboundPipe = upgrader.pipe(b, { signal: AbortSignal.timeout(5_000) })
    inboundMuxer.safeDispatchEvent('stream', { detail: listenerStream as unknown as Stream })
    expect(await inboundPipe).to.equal(listenerStream)
    await expect(upgrader.pipe(rawPair()[0])).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
