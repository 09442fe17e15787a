import { expect } from 'aegir/chai'
import { until } from '../wait/index.js'
import { closed, firstDifference, isFinal, MuxerTracker, openPair, pattern, readAll, sendAll } from './helpers.js'
import type { MuxerPair } from './helpers.js'
import type { StreamMuxerSuiteSetup } from './setup.js'
import type { Stream, StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'

async function createStream (muxer: StreamMuxer): Promise<Stream> {
  return muxer.createStream()
}

/** the muxer's 'close' event, resolving to its error */
async function closeEvent (muxer: StreamMuxer): Promise<Error | undefined> {
  return new Promise((resolve) => {
    muxer.addEventListener('close', (evt) => { resolve(evt.detail.error) }, { once: true })
  })
}

export function closeTests (common: StreamMuxerSuiteSetup): void {
  describe('closing and aborting', function () {
    this.timeout(30_000)
    let factory: StreamMuxerFactory
    const muxers = new MuxerTracker(common.connectionPair)

    before(async () => { factory = await common.setup() })
    after(async () => { await common.teardown?.() })
    afterEach(() => { muxers.abortAll() })

    /** three streams each way, with data read on both sides */
    async function busyPair (): Promise<MuxerPair & { streams: Stream[] }> {
      const pair = await muxers.open(factory)
      const streams: Stream[] = []
      for (let i = 0; i < 3; i++) {
        for (const [from, to] of [[pair.dialer, pair.listener], [pair.listener, pair.dialer]]) {
          const [local, remote] = await openPair(from, to)
          local.send(Uint8Array.of(i))
          expect((await remote.read())?.byteLength).to.equal(1)
          streams.push(local, remote)
        }
      }
      return { ...pair, streams }
    }

    it('close() ends every stream on both sides and both muxers', async () => {
      const { dialer, listener, streams } = await busyPair()
      const dialerClosed = closeEvent(dialer)
      const listenerClosed = closeEvent(listener)
      await dialer.close()
      expect(dialer.status).to.equal('closed')
      expect(await dialerClosed).to.equal(undefined)
      await listenerClosed
      expect(listener.status).to.equal('closed')
      await until(() => streams.every(isFinal), 'every stream reached a final status')
      expect(dialer.streams).to.deep.equal([])
      expect(listener.streams).to.deep.equal([])
    })

    it('close() delivers what streams had sent before it', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [local, remote] = await openPair(dialer, listener)
      const data = pattern(5, 1024 * 1024)
      local.send(data)
      const receiving = readAll(remote)
      await dialer.close()
      const received = await receiving
      expect(received.byteLength).to.equal(data.byteLength)
      expect(firstDifference(received, data)).to.equal(-1)
    })

    it('close() while the remote is sending still ends everything', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [local, remote] = await openPair(dialer, listener)
      const sending = sendAll(remote, pattern(6, 4 * 1024 * 1024)).catch(() => {})
      void readAll(local).catch(() => {})
      await dialer.close().catch(() => {})
      await sending
      await closed(local, () => isFinal(local))
      await closed(remote, () => isFinal(remote))
      await until(() => listener.status === 'closed', 'the listener muxer closed')
    })

    it('close() twice, and abort() after close(), are harmless', async () => {
      const { dialer } = await muxers.open(factory)
      await Promise.all([dialer.close(), dialer.close()])
      await dialer.close()
      dialer.abort(new Error('late'))
      expect(dialer.status).to.equal('closed')
    })

    it('abort() aborts the local streams and the remote streams end with an error', async () => {
      const { dialer, listener, streams } = await busyPair()
      const dialerClosed = closeEvent(dialer)
      const listenerClosed = closeEvent(listener)
      const remoteStreams = listener.streams
      const reads = remoteStreams.map(async (s) => readAll(s))
      const localStreams = dialer.streams
      const err = new Error('cable cut')
      dialer.abort(err)
      expect(dialer.status).to.equal('closed')
      expect((await dialerClosed)?.message).to.equal('cable cut')
      expect(localStreams.map((s) => s.status)).to.satisfy((all: string[]) => all.every((s) => s === 'aborted'))
      for (const read of reads) {
        await expect(read).to.eventually.be.rejected.with.property('name').that.is.a('string')
      }
      await listenerClosed
      expect(listener.status).to.equal('closed')
      expect(streams.every(isFinal)).to.equal(true)
      expect(remoteStreams.every((s) => s.status === 'aborted' || s.status === 'reset')).to.equal(true)
    })

    it('the connection failing ends both muxers and every stream with an error', async () => {
      const { dialer, listener, dialerConnection, streams } = await busyPair()
      const dialerClosed = closeEvent(dialer)
      const listenerClosed = closeEvent(listener)
      dialerConnection.abort(new Error('socket error'))
      expect(await dialerClosed).to.be.an('error')
      // the remote muxer ends too; with an error where the wire carries one (a byte stream's
      // reset does, a peer connection that closes does not), but its streams end with errors
      await listenerClosed
      expect(listener.status).to.equal('closed')
      await until(() => streams.every(isFinal), 'every stream reached a final status')
      expect(streams.every((s) => s.status === 'aborted' || s.status === 'reset')).to.equal(true)
    })

    it('the connection closing ends both muxers and every stream', async () => {
      const { dialer, listener, listenerConnection, streams } = await busyPair()
      const dialerClosed = closeEvent(dialer)
      const listenerClosed = closeEvent(listener)
      // close(), not closeWrite(): a connection that stands for a peer connection has no half-close
      await listenerConnection.close()
      await Promise.all([dialerClosed, listenerClosed])
      expect(dialer.status).to.equal('closed')
      expect(listener.status).to.equal('closed')
      await until(() => streams.every(isFinal), 'every stream reached a final status')
    })

    it('createStream() fails with ConnectionClosedError after close()', async () => {
      const { dialer } = await muxers.open(factory)
      await dialer.close()
      await expect(createStream(dialer)).to.eventually.be.rejected.with.property('name', 'ConnectionClosedError')
    })

    it('createStream() fails with ConnectionClosedError after abort()', async () => {
      const { dialer } = await muxers.open(factory)
      dialer.abort(new Error('gone'))
      await expect(createStream(dialer)).to.eventually.be.rejected.with.property('name', 'ConnectionClosedError')
    })

    it('createStream() fails with ConnectionClosedError once the remote closed', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const dialerClosed = closeEvent(dialer)
      await listener.close()
      await dialerClosed
      await expect(createStream(dialer)).to.eventually.be.rejected.with.property('name', 'ConnectionClosedError')
    })
  })
}
