/**
 * AbstractStreamMuxer with the shape of a WebRTC muxer: every stream is a native channel (here an
 * in-memory PairedMessageStream pair standing in for an RTCDataChannel), there is no byte stream
 * under the muxer, and the "connection" is a peer-connection-like object that closes both ends at
 * once. The framed (yamux-shaped) reference muxer runs the full compliance suite in
 * `@libp2p/interface-compliance-tests`.
 */
import { ConnectionClosedError, StreamResetError, TypedEventEmitter } from '@libp2p/interface'
import { expect } from 'aegir/chai'
import { AbstractStreamMuxer, PairedMessageStream, disabledLogger } from '../src/index.js'
import type { AbstractStreamMuxerInit, MuxedConnection } from '../src/index.js'
import type { AbortOptions, CreateStreamOptions, Stream } from '@libp2p/interface'

/** an RTCPeerConnection stand-in: close() or abort() ends both ends, each with a 'close' event */
class FakePeerConnection extends TypedEventEmitter<{ close: CustomEvent<{ error?: Error }> }> implements MuxedConnection {
  peer?: FakePeerConnection
  closed = false

  async close (): Promise<void> {
    this.end(undefined)
    this.peer?.end(undefined)
  }

  abort (err: Error): void {
    this.end(err)
    this.peer?.end(new ConnectionClosedError('the peer connection failed'))
  }

  end (error?: Error): void {
    if (this.closed) { return }
    this.closed = true
    this.safeDispatchEvent('close', { detail: { error } })
  }
}

/** one data channel end */
class ChannelStream extends PairedMessageStream implements Stream {
  protocol = ''
  readonly metadata: Record<string, unknown> = {}
}

/** a channel end that tells its muxer when it ends (reportsStreamEnds) */
class ReportingStream extends ChannelStream {
  ended?: (stream: ReportingStream) => void

  protected onFinished (): void {
    this.ended?.(this)
  }
}

/** a muxer whose streams report their end to it instead of a 'close' event */
class ReportingMuxer extends AbstractStreamMuxer<ReportingStream> {
  constructor (connection: FakePeerConnection) {
    super({ protocol: '/reporting', connection, log: disabledLogger(), reportsStreamEnds: true, maxOutboundStreams: 1 })
  }

  protected onCreateStream (id: string): ReportingStream {
    const log = disabledLogger()
    const stream = new ReportingStream({ id, direction: 'outbound', log })
    stream.peer = new ReportingStream({ id: `remote-${id}`, direction: 'inbound', log })
    stream.peer.peer = stream
    stream.ended = (s) => { this.streamEnded(s) }
    return stream
  }
}

/** a muxer over native channels: createStream "creates a data channel", the remote gets it */
class ChannelMuxer extends AbstractStreamMuxer<ChannelStream> {
  peer?: ChannelMuxer
  closeAnnounced = 0
  aborts: Error[] = []
  finished: string[] = []

  constructor (connection: FakePeerConnection, init: Partial<AbstractStreamMuxerInit> = {}) {
    super({ protocol: '/webrtc-like', connection, log: disabledLogger(), ...init })
  }

  /** expose the subclass API for tests */
  accept (stream: ChannelStream): boolean {
    return this.acceptStream(stream)
  }

  protected async onCreateStream (id: string, options: CreateStreamOptions): Promise<ChannelStream> {
    // like waiting for the data channel's 'open' event
    await Promise.resolve()
    const log = disabledLogger()
    const local = new ChannelStream({ id, direction: 'outbound', log })
    const remote = new ChannelStream({ id: `remote-${id}`, direction: 'inbound', log })
    local.peer = remote
    remote.peer = local
    local.protocol = remote.protocol = options.protocol ?? ''
    this.peer?.accept(remote)
    return local
  }

  protected onCloseMuxer (_options: AbortOptions): void { this.closeAnnounced++ }
  protected onAbortMuxer (err: Error): void { this.aborts.push(err) }
  protected onStreamFinished (stream: ChannelStream): void { this.finished.push(stream.id) }
}

/** a ChannelMuxer whose wire holds back new streams until open() (as yamux does with too many unacknowledged SYNs) */
class GatedMuxer extends ChannelMuxer {
  gate?: Promise<void>
  accepted: Array<{ id: string, registered: boolean, dispatched: boolean }> = []
  #dispatched = new Set<string>()

  constructor (connection: FakePeerConnection, init: Partial<AbstractStreamMuxerInit> = {}) {
    super(connection, init)
    this.addEventListener('stream', (evt) => { this.#dispatched.add(evt.detail.id) })
  }

  protected untilCanOpen (): Promise<void> | undefined {
    return this.gate
  }

  protected onAcceptStream (stream: ChannelStream): void {
    this.accepted.push({ id: stream.id, registered: this.streams.includes(stream), dispatched: this.#dispatched.has(stream.id) })
  }
}

/** a connection whose close() never finishes (a remote that does not answer) */
class HangingConnection extends FakePeerConnection {
  async close (): Promise<void> {
    await new Promise(() => {})
  }
}

function pair (init: Partial<AbstractStreamMuxerInit> = {}): [ChannelMuxer, ChannelMuxer, FakePeerConnection] {
  const a = new FakePeerConnection()
  const b = new FakePeerConnection()
  a.peer = b
  b.peer = a
  const dialer = new ChannelMuxer(a, init)
  const listener = new ChannelMuxer(b, init)
  dialer.peer = listener
  listener.peer = dialer
  return [dialer, listener, a]
}

async function closeEvent (target: EventTarget): Promise<Error | undefined> {
  return new Promise((resolve) => {
    target.addEventListener('close', (evt) => { resolve((evt as CustomEvent<{ error?: Error }>).detail.error) }, { once: true })
  })
}

describe('AbstractStreamMuxer over native streams (the WebRTC shape)', () => {
  it('opens streams asynchronously: the remote gets a stream event, the protocol label travels, data flows', async () => {
    const [dialer, listener] = pair()
    const inbound = new Promise<Stream>((resolve) => { listener.addEventListener('stream', (evt) => { resolve(evt.detail) }, { once: true }) })
    const local = await dialer.createStream({ protocol: '/echo/1.0.0' })
    const remote = await inbound
    expect(remote.protocol).to.equal('/echo/1.0.0')
    expect(dialer.streams).to.deep.equal([local])
    expect(listener.streams).to.deep.equal([remote])
    local.send(Uint8Array.of(1, 2, 3))
    expect((await remote.read())?.subarray()).to.deep.equal(Uint8Array.of(1, 2, 3))
    await Promise.all([local.close(), remote.close()])
    expect(dialer.streams).to.deep.equal([])
    expect(listener.streams).to.deep.equal([])
    expect(dialer.finished).to.deep.equal([local.id])
  })

  it('gives outbound streams unique ids from its counter', async () => {
    const [dialer] = pair()
    const ids = await Promise.all(Array.from({ length: 20 }, async () => (await dialer.createStream()).id))
    expect(new Set(ids).size).to.equal(20)
  })

  it('counts streams still being opened against maxOutboundStreams', async () => {
    const [dialer] = pair({ maxOutboundStreams: 2 })
    const opening = [Promise.resolve(dialer.createStream()), Promise.resolve(dialer.createStream())]
    expect(() => dialer.createStream()).to.throw().with.property('limit', 'maxOutboundStreams')
    const [first] = await Promise.all(opening)
    first.abort(new Error('done'))
    expect(await dialer.createStream()).to.have.property('direction', 'outbound')
  })

  it('refuses inbound streams past maxInboundStreams by aborting them, which resets the opener', async () => {
    const [dialer, listener] = pair({ maxInboundStreams: 1 })
    await dialer.createStream()
    const refused = await dialer.createStream()
    expect(listener.streams).to.have.length(1)
    await expect(refused.read()).to.eventually.be.rejected.with.property('name', StreamResetError.name)
  })

  it('a stream opened while the muxer closes is aborted and createStream() rejects with ConnectionClosedError', async () => {
    const [dialer] = pair()
    const opening = dialer.createStream()
    dialer.abort(new Error('gone'))
    await expect(opening).to.eventually.be.rejected.with.property('name', 'ConnectionClosedError')
    expect(dialer.streams).to.deep.equal([])
  })

  it('close(): closing → closed, announces once, ends streams, closes the connection, and the remote follows', async () => {
    const [dialer, listener, connection] = pair()
    const local = await dialer.createStream()
    const remote = listener.streams[0]
    const remoteClosed = closeEvent(listener)
    const closing = dialer.close()
    expect(dialer.status).to.equal('closing')
    expect(() => dialer.createStream()).to.throw().with.property('name', 'ConnectionClosedError')
    await Promise.all([closing, dialer.close()])
    expect(dialer.closeAnnounced).to.equal(1)
    expect(dialer.status).to.equal('closed')
    expect(connection.closed).to.equal(true)
    expect(await remoteClosed).to.equal(undefined)
    expect(listener.status).to.equal('closed')
    // ours sent EOF but never saw the remote's: ConnectionClosedError; the remote saw our EOF and had nothing unsent: clean
    expect(local.status).to.equal('aborted')
    await expect(local.read()).to.eventually.be.rejected.with.property('name', 'ConnectionClosedError')
    expect(remote.status).to.equal('closed')
    expect(await remote.read()).to.equal(null)
  })

  it('streams that finished both directions end cleanly when the connection closes', async () => {
    const [dialer, listener, connection] = pair()
    const local = await dialer.createStream()
    const remote = listener.streams[0]
    await remote.closeWrite()
    expect(await local.read()).to.equal(null)
    // write side still open but nothing unsent: ends cleanly
    await connection.close()
    expect(local.status).to.equal('closed')
    expect(dialer.status).to.equal('closed')
  })

  it('abort(err): the hook runs, every stream is aborted with err, the connection is aborted and the remote ends with an error', async () => {
    const [dialer, listener, connection] = pair()
    const streams = await Promise.all([dialer.createStream(), dialer.createStream()])
    const remoteClosed = closeEvent(listener)
    const dialerClosed = closeEvent(dialer)
    const err = new Error('cable cut')
    dialer.abort(err)
    dialer.abort(new Error('twice'))
    expect(dialer.aborts).to.deep.equal([err])
    expect(streams.map((s) => s.status)).to.deep.equal(['aborted', 'aborted'])
    await expect(streams[0].read()).to.eventually.be.rejected.with.property('message', 'cable cut')
    expect(await dialerClosed).to.equal(err)
    expect(connection.closed).to.equal(true)
    expect(await remoteClosed).to.have.property('name', 'ConnectionClosedError')
    expect(listener.streams).to.deep.equal([])
  })

  it('the connection closing under the muxer (no read loop involved) ends it', async () => {
    const [dialer, listener, connection] = pair()
    const stream = await dialer.createStream()
    const closed = closeEvent(dialer)
    connection.abort(new Error('ICE failed'))
    expect(await closed).to.have.property('message', 'ICE failed')
    expect(stream.status).to.equal('aborted')
    expect(listener.status).to.equal('closed')
  })

  it('untilCanOpen(): createStream() waits for it, then checks the status and the limits again', async () => {
    const a = new FakePeerConnection()
    const b = new FakePeerConnection()
    a.peer = b
    b.peer = a
    const dialer = new GatedMuxer(a, { maxOutboundStreams: 1 })
    const listener = new GatedMuxer(b)
    dialer.peer = listener
    listener.peer = dialer
    let open = (): void => {}
    dialer.gate = new Promise<void>((resolve) => { open = resolve })
    const waiting = [Promise.resolve(dialer.createStream()), Promise.resolve(dialer.createStream())]
    expect(dialer.streams).to.deep.equal([])
    dialer.gate = undefined
    open()
    const [first, second] = await Promise.allSettled(waiting)
    expect(first).to.have.property('status', 'fulfilled')
    // the limit counted the first stream once the gate opened
    expect(second).to.have.property('status', 'rejected')
    expect((second as PromiseRejectedResult).reason).to.have.property('limit', 'maxOutboundStreams')
    // accepted streams are registered before the hook and dispatched after it
    expect(listener.accepted).to.deep.equal([{ id: 'remote-1', registered: true, dispatched: false }])
    dialer.gate = new Promise<void>((resolve) => { open = resolve })
    ;(first as PromiseFulfilledResult<Stream>).value.abort(new Error('done'))
    const late = dialer.createStream()
    dialer.abort(new Error('gone'))
    open()
    await expect(late).to.eventually.be.rejected.with.property('name', 'ConnectionClosedError')
  })

  it('close() that does not finish within closeTimeout aborts the muxer and rejects with TimeoutError', async () => {
    const connection = new HangingConnection()
    const muxer = new ChannelMuxer(connection, { closeTimeout: 50 })
    const closed = closeEvent(muxer)
    await expect(muxer.close()).to.eventually.be.rejected.with.property('name', 'TimeoutError')
    expect(muxer.status).to.equal('closed')
    expect(await closed).to.have.property('name', 'TimeoutError')
    expect(connection.closed).to.equal(true)
  })

  it('reportsStreamEnds: no close listener per stream; streamEnded() takes the stream out of the registry', async () => {
    const muxer = new ReportingMuxer(new FakePeerConnection())
    const stream = await muxer.createStream()
    expect(stream.listenerCount('close')).to.equal(0)
    expect(muxer.streams).to.deep.equal([stream])
    stream.abort(new Error('done'))
    expect(muxer.streams).to.deep.equal([])
    // counted out of maxOutboundStreams (1): another stream can be opened
    expect(await muxer.createStream()).to.have.property('direction', 'outbound')
    muxer.abort(new Error('the test is over'))
  })

  it('rejects bad limits with InvalidParametersError', () => {
    expect(() => pair({ maxInboundStreams: -1 })).to.throw().with.property('name', 'InvalidParametersError')
  })
})
