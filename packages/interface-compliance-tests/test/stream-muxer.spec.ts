import { disabledLogger, messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { MuxerTracker, nextStream, openPair, readAll } from '../src/stream-muxer/helpers.js'
import streamMuxerSuite from '../src/stream-muxer/index.js'
import { until } from '../src/wait/index.js'
import { encodeHeader, Flag, FramedMuxer, framedMuxer, WINDOW_BYTES } from './fixtures/framed-muxer.js'
import type { StreamMuxer } from '@libp2p/interface'

/** the muxer's 'close' event, resolving to its error */
async function closeEvent (muxer: StreamMuxer): Promise<Error | undefined> {
  return new Promise((resolve) => {
    muxer.addEventListener('close', (evt) => { resolve(evt.detail.error) }, { once: true })
  })
}

/** an outbound FramedMuxer whose remote is driven by hand, frame by frame */
function againstRawRemote (): { muxer: FramedMuxer, remote: ReturnType<typeof messageStreamPair>[1] } {
  const [local, remote] = messageStreamPair()
  return { muxer: new FramedMuxer(local, { direction: 'outbound' }, {}, disabledLogger()), remote }
}

describe('framed reference muxer (AbstractStreamMuxer)', () => {
  streamMuxerSuite({
    async setup () { return framedMuxer() },
    maxUnreadBytesPerStream: WINDOW_BYTES
  })

  describe('what the base adds', () => {
    const muxers = new MuxerTracker()
    afterEach(() => { muxers.abortAll() })

    it('createStream() past maxOutboundStreams throws LimitExceededError naming the option, and a finished stream frees its slot', async () => {
      const { dialer, listener } = muxers.pair(framedMuxer({ maxOutboundStreams: 2 }))
      const [a] = await openPair(dialer, listener)
      await openPair(dialer, listener)
      const err = await Promise.resolve().then(async () => dialer.createStream()).then(() => undefined, (e: any) => e)
      expect(err).to.have.property('name', 'LimitExceededError')
      expect(err).to.have.property('limit', 'maxOutboundStreams')
      a.abort(new Error('done'))
      expect(dialer.streams).to.have.length(1)
      expect(await dialer.createStream()).to.have.property('direction', 'outbound')
    })

    it('refuses an inbound stream past maxInboundStreams: the opener sees a reset, no stream event fires', async () => {
      const { dialer, listener } = muxers.pair(framedMuxer({ maxInboundStreams: 1 }))
      let events = 0
      listener.addEventListener('stream', () => { events++ })
      await openPair(dialer, listener)
      const refused = await dialer.createStream()
      await expect(refused.read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
      expect(events).to.equal(1)
      expect(listener.streams).to.have.length(1)
      expect(dialer.streams).to.not.include(refused)
    })

    it('status is closing while close() runs, and inbound streams are refused meanwhile', async () => {
      const { dialer, listener } = muxers.pair(framedMuxer())
      await openPair(dialer, listener)
      const closing = dialer.close()
      expect(dialer.status).to.equal('closing')
      expect(() => dialer.createStream()).to.throw().with.property('name', 'ConnectionClosedError')
      const late = await listener.createStream()
      await expect(late.read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
      await closing
      expect(dialer.status).to.equal('closed')
    })

    it('abort(err) ends every stream with err and aborts the connection', async () => {
      const { dialer, listener, dialerConnection } = muxers.pair(framedMuxer())
      const [a] = await openPair(dialer, listener)
      const [b] = await openPair(listener, dialer)
      const err = new Error('cable cut')
      dialer.abort(err)
      expect(a.status).to.equal('aborted')
      expect(b.status).to.equal('aborted')
      await expect(a.read()).to.eventually.be.rejected.with.property('message', 'cable cut')
      expect(dialerConnection.status).to.equal('aborted')
      expect(dialer.streams).to.deep.equal([])
    })

    it('when the connection ends, streams that saw EOF close cleanly and the others get ConnectionClosedError', async () => {
      const { dialer, listener, listenerConnection } = muxers.pair(framedMuxer())
      const [done, doneRemote] = await openPair(dialer, listener)
      const [open] = await openPair(dialer, listener)
      await doneRemote.closeWrite()
      expect(await readAll(done)).to.have.length(0)
      const closed = closeEvent(dialer)
      await listenerConnection.closeWrite()
      expect(await closed).to.equal(undefined)
      expect(done.status).to.equal('closed')
      expect(open.status).to.equal('aborted')
      await expect(open.read()).to.eventually.be.rejected.with.property('name', 'ConnectionClosedError')
    })

    it('a remote GoAway: closing, no new streams, open streams carry on, closed once the last one finishes', async () => {
      const { muxer, remote } = againstRawRemote()
      const stream = await muxer.createStream()
      remote.send(encodeHeader(0, Flag.GOAWAY, 0))
      await until(() => muxer.status === 'closing', 'the GoAway arrives')
      expect(() => muxer.createStream()).to.throw().with.property('name', 'ConnectionClosedError')
      const closed = closeEvent(muxer)
      remote.send(Uint8Array.from([...encodeHeader(1, 0, 2), 7, 8]))
      expect((await stream.read())?.subarray()).to.deep.equal(Uint8Array.of(7, 8))
      stream.abort(new Error('done'))
      await until(() => remote.remoteWriteStatus === 'closed', 'the muxer ends its side once the last stream finished')
      // the hand-driven remote answers with EOF
      await remote.closeWrite()
      expect(await closed).to.equal(undefined)
      expect(muxer.status).to.equal('closed')
    })

    it('a remote opening a stream with our parity is a protocol violation: the muxer closes with ProtocolError', async () => {
      const { muxer, remote } = againstRawRemote()
      const stream = await muxer.createStream()
      const closed = closeEvent(muxer)
      remote.send(encodeHeader(3, Flag.OPEN, 0))
      expect(await closed).to.have.property('name', 'ProtocolError')
      expect(stream.status).to.equal('aborted')
      expect(muxer.status).to.equal('closed')
    })

    it('the remote opening streams dispatches one stream event each, with unique ids', async () => {
      const { muxer, remote } = againstRawRemote()
      const ids: string[] = []
      muxer.addEventListener('stream', (evt) => { ids.push(evt.detail.id) })
      const opened = nextStream(muxer)
      remote.send(encodeHeader(2, Flag.OPEN, 0))
      remote.send(encodeHeader(4, Flag.OPEN, 0))
      expect((await opened).direction).to.equal('inbound')
      await until(() => ids.length === 2, 'both streams arrive')
      expect(ids).to.deep.equal(['2', '4'])
      expect(muxer.streams.map((s) => s.id)).to.deep.equal(['2', '4'])
      muxer.abort(new Error('done'))
    })
  })
})
