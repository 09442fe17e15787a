import { expect } from 'aegir/chai'
import { until } from '../wait/index.js'
import { closed, echo, MuxerTracker, nextStream, openPair, readAll } from './helpers.js'
import type { StreamMuxerSuiteSetup } from './setup.js'
import type { Stream, StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'

const text = new TextEncoder()
const utf8 = new TextDecoder()

export function baseTests (common: StreamMuxerSuiteSetup): void {
  describe('streams', () => {
    let factory: StreamMuxerFactory
    const muxers = new MuxerTracker(common.connectionPair)

    before(async () => { factory = await common.setup() })
    after(async () => { await common.teardown?.() })
    afterEach(() => { muxers.abortAll() })

    it('has a protocol and starts open with no streams', async () => {
      const { dialer, listener } = await muxers.open(factory)
      expect(factory.protocol).to.be.a('string').with.length.greaterThan(0)
      expect(dialer.protocol).to.equal(factory.protocol)
      expect(dialer.status).to.equal('open')
      expect(listener.status).to.equal('open')
      expect(dialer.streams).to.deep.equal([])
    })

    it('opens a stream from the dialer: the remote gets a stream event and data flows both ways', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [local, remote] = await openPair(dialer, listener)
      expect(local.direction).to.equal('outbound')
      expect(remote.direction).to.equal('inbound')
      expect(local.status).to.equal('open')
      local.send(text.encode('hello'))
      expect(utf8.decode((await remote.read())?.subarray())).to.equal('hello')
      remote.send(text.encode('world'))
      expect(utf8.decode((await local.read())?.subarray())).to.equal('world')
      expect(dialer.streams).to.include(local)
      expect(listener.streams).to.include(remote)
    })

    it('opens a stream from the listener', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [local, remote] = await openPair(listener, dialer)
      expect(remote.direction).to.equal('inbound')
      local.send(text.encode('from the listener'))
      await local.closeWrite()
      expect(utf8.decode(await readAll(remote))).to.equal('from the listener')
    })

    it('delivers data sent in the same tick the stream was opened', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const remote = nextStream(listener)
      const local = await dialer.createStream()
      local.send(text.encode('early'))
      await local.closeWrite()
      expect(utf8.decode(await readAll(await remote))).to.equal('early')
    })

    it('half-closes: closeWrite gives the remote EOF and the other direction keeps working', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [local, remote] = await openPair(dialer, listener)
      local.send(text.encode('request'))
      await local.closeWrite()
      expect(local.writeStatus).to.equal('closed')
      expect(local.readStatus).to.equal('readable')
      expect(utf8.decode(await readAll(remote))).to.equal('request')
      expect(remote.remoteWriteStatus).to.equal('closed')
      remote.send(text.encode('response'))
      await remote.closeWrite()
      expect(utf8.decode(await readAll(local))).to.equal('response')
      await closed(local, () => local.status === 'closed')
      await closed(remote, () => remote.status === 'closed')
      expect(local.status).to.equal('closed')
      expect(remote.status).to.equal('closed')
      await until(() => dialer.streams.length === 0 && listener.streams.length === 0, 'closed streams leave the muxers')
    })

    it('close() ends the stream once the remote closes too', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [local, remote] = await openPair(dialer, listener)
      const echoing = echo(remote)
      local.send(text.encode('ping'))
      const closing = local.close()
      expect(utf8.decode((await local.read())?.subarray())).to.equal('ping')
      await Promise.all([closing, echoing])
      expect(local.status).to.equal('closed')
      await closed(remote, () => remote.status === 'closed')
    })

    it('abort() resets the remote: its reads fail with StreamResetError', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [local, remote] = await openPair(dialer, listener)
      const reading = remote.read()
      const closeEvent = new Promise<Error | undefined>((resolve) => {
        remote.addEventListener('close', (evt) => { resolve(evt.detail.error) }, { once: true })
      })
      local.abort(new Error('gave up'))
      expect(local.status).to.equal('aborted')
      await expect(reading).to.eventually.be.rejected.with.property('name', 'StreamResetError')
      expect((await closeEvent)?.name).to.equal('StreamResetError')
      expect(remote.status).to.equal('reset')
      // js-libp2p 3: send() on an ended stream throws StreamStateError; the cause is the reset
      expect(() => remote.send(Uint8Array.of(1))).to.throw().that.satisfies((err: Error) => err.name === 'StreamStateError' && (err.cause as Error).name === 'StreamResetError')
      expect(dialer.streams).to.not.include(local)
      await until(() => !listener.streams.includes(remote), 'the reset stream leaves the remote muxer')
    })

    it('a reset reaches a remote that is blocked writing', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [local, remote] = await openPair(dialer, listener)
      const chunk = new Uint8Array(64 * 1024)
      const writing = (async () => {
        for (;;) {
          if (!local.send(chunk)) { await local.onDrain() }
        }
      })()
      await until(() => local.writeBufferLength > 0, 'the writer is blocked')
      remote.abort(new Error('not interested'))
      await expect(writing).to.eventually.be.rejected.with.property('name', 'StreamResetError')
      expect(local.status).to.equal('reset')
    })

    it('works as an it-pipe duplex (sink and source)', async () => {
      const { dialer, listener } = await muxers.open(factory)
      listener.addEventListener('stream', (evt) => { void evt.detail.sink(evt.detail.source) })
      const local = await dialer.createStream()
      const input = ['a', 'bc', 'def'].map((s) => text.encode(s))
      const [, received] = await Promise.all([local.sink(input), readAll(local)])
      expect(utf8.decode(received)).to.equal('abcdef')
    })

    it('gives every stream of a connection a unique id', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const opened = new Map<StreamMuxer, Stream[]>([[dialer, []], [listener, []]])
      const endings = new Map<Stream, string>()
      const watch = (s: Stream): Stream => {
        s.addEventListener('close', (evt) => { endings.set(s, `${evt.local === true ? 'local' : 'remote'} ${evt.error?.name ?? ''} ${evt.error?.message ?? ''}`) })
        return s
      }
      for (let i = 0; i < 40; i++) {
        for (const [from, to] of [[dialer, listener], [listener, dialer]]) {
          const [local, remote] = await openPair(from, to)
          opened.get(from)?.push(watch(local))
          opened.get(to)?.push(watch(remote))
        }
      }
      for (const muxer of [dialer, listener]) {
        const ids = muxer.streams.map((s) => s.id)
        // a stream that ended on its own says how, so a failure here can be told apart from an id clash
        const gone = (opened.get(muxer) ?? []).filter((s) => !muxer.streams.includes(s))
        expect(gone.map((s) => `${s.id} ${s.direction} ${s.status}: ${endings.get(s) ?? ''}`), 'streams that ended by themselves').to.deep.equal([])
        expect(ids).to.have.length(80)
        expect(new Set(ids).size).to.equal(80)
      }
    })

    it('lists open streams only', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [a] = await openPair(dialer, listener)
      const [b] = await openPair(dialer, listener)
      expect(dialer.streams).to.have.members([a, b])
      a.abort(new Error('done'))
      expect(dialer.streams).to.have.members([b])
    })
  })
}
