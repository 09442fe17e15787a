import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { MAX_ACK_BACKLOG } from '../src/constants.js'
import { ACK, DATA, FIN, GO_AWAY, RST, SYN, WINDOW_UPDATE, dataFrame, frame, muxerClosed, rawPair } from './fixtures/raw-peer.js'
import type { Frame } from './fixtures/raw-peer.js'

const KiB = 1024

const isGoAway = (code: number) => (f: Frame): boolean => f.type === GO_AWAY && f.length === code

describe('protocol violations: GoAway with protocol error, connection closed', () => {
  // the raw peer is the client (odd ids): the muxer is the listener
  const cases: Array<[string, Uint8Array[], string]> = [
    ['a version other than 0', [frame(WINDOW_UPDATE, SYN, 1, 0, undefined, 1)], 'InvalidMessageError'],
    ['an unknown frame type', [frame(7, 0, 1, 0)], 'InvalidMessageError'],
    ['data beyond the window', [frame(WINDOW_UPDATE, SYN, 1, 0), dataFrame(0, 1, new Uint8Array(256 * KiB + 1))], 'ProtocolError'],
    ['data beyond the window over several frames', [frame(WINDOW_UPDATE, SYN, 1, 0), dataFrame(0, 1, new Uint8Array(200 * KiB)), dataFrame(0, 1, new Uint8Array(57 * KiB))], 'ProtocolError'],
    ['a SYN reusing an open stream id', [frame(WINDOW_UPDATE, SYN, 1, 0), frame(WINDOW_UPDATE, SYN, 1, 0)], 'ProtocolError'],
    ['a SYN reusing a finished stream id', [frame(WINDOW_UPDATE, SYN, 1, 0), frame(WINDOW_UPDATE, RST, 1, 0), frame(WINDOW_UPDATE, SYN, 1, 0)], 'ProtocolError'],
    ['a SYN with an id of the wrong parity', [frame(WINDOW_UPDATE, SYN, 2, 0)], 'ProtocolError'],
    ['data for a stream that never existed', [dataFrame(0, 7, Uint8Array.of(1))], 'ProtocolError'],
    ['a window update for a stream that never existed', [frame(WINDOW_UPDATE, 0, 9, 10)], 'ProtocolError'],
    ['a frame for a skipped id that was never opened', [frame(WINDOW_UPDATE, SYN, 5, 0), frame(WINDOW_UPDATE, 0, 3, 10)], 'ProtocolError'],
    ['a frame for one of our ids we never used', [frame(WINDOW_UPDATE, 0, 4, 10)], 'ProtocolError'],
    ['a data frame for stream 0', [dataFrame(0, 0, Uint8Array.of(1))], 'ProtocolError'],
    ['data after FIN', [frame(WINDOW_UPDATE, SYN | FIN, 1, 0), dataFrame(0, 1, Uint8Array.of(1))], 'ProtocolError'],
    ['a huge data frame for a finished stream', [frame(WINDOW_UPDATE, SYN, 1, 0), frame(WINDOW_UPDATE, RST, 1, 0), frame(DATA, 0, 1, 0xffffffff)], 'ProtocolError']
  ]

  for (const [name, frames, errorName] of cases) {
    it(`${name} → ${errorName}`, async () => {
      const { muxer, peer, conn } = rawPair()
      const closing = muxerClosed(muxer)
      const streamErrors: string[] = []
      muxer.addEventListener('stream', (evt) => {
        evt.detail.addEventListener('close', (e) => { streamErrors.push(e.detail.error?.name ?? 'none') })
      })
      peer.send(...frames)
      expect((await closing)?.name).to.equal(errorName)
      await peer.next(isGoAway(1))
      await peer.end()
      expect(muxer.status).to.equal('closed')
      expect(muxer.streams).to.deep.equal([])
      expect(conn.writeStatus).to.equal('closed')
      // streams still open at the violation end with its error (one the peer reset ended before)
      expect(streamErrors.filter((e) => e !== 'StreamResetError').every((e) => e === errorName)).to.equal(true)
    })
  }

  it('tolerates late frames for streams that finished', async () => {
    const { muxer, peer } = rawPair()
    const incoming = new Promise<void>((resolve) => { muxer.addEventListener('stream', (evt) => { evt.detail.abort(new Error('no')); resolve() }) })
    peer.send(frame(WINDOW_UPDATE, SYN, 1, 0))
    await incoming
    await peer.next((f) => (f.flags & RST) !== 0 && f.streamId === 1)
    peer.send(dataFrame(0, 1, new Uint8Array(1000)), frame(WINDOW_UPDATE, FIN, 1, 5), frame(WINDOW_UPDATE, SYN, 3, 0))
    await peer.next((f) => (f.flags & ACK) !== 0 && f.streamId === 3)
    expect(muxer.status).to.equal('open')
  })

  it('accepts SYNs slightly out of order, once each', async () => {
    const { muxer, peer } = rawPair()
    let opened = 0
    muxer.addEventListener('stream', () => { opened++ })
    peer.send(frame(WINDOW_UPDATE, SYN, 5, 0), frame(WINDOW_UPDATE, SYN, 1, 0), frame(WINDOW_UPDATE, SYN, 3, 0))
    await peer.next((f) => (f.flags & ACK) !== 0 && f.streamId === 3)
    expect(opened).to.equal(3)
    const closing = muxerClosed(muxer)
    peer.send(frame(WINDOW_UPDATE, SYN, 3, 0))
    expect((await closing)?.name).to.equal('ProtocolError')
  })

  it('turns random frames into typed errors or keeps going, never anything else', async function () {
    this.timeout(60_000)
    const frameArb = fc.record({
      version: fc.constantFrom(0, 0, 0, 0, 1),
      type: fc.integer({ min: 0, max: 4 }),
      flags: fc.integer({ min: 0, max: 15 }),
      streamId: fc.integer({ min: 0, max: 9 }),
      length: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant(300 * 1024), fc.constant(0xffffffff))
    })
    await fc.assert(fc.asyncProperty(fc.array(frameArb, { maxLength: 12 }), fc.uint8Array({ maxLength: 40 }), async (frames, tail) => {
      const { muxer, peer } = rawPair()
      const closing = muxerClosed(muxer)
      muxer.addEventListener('stream', (evt) => { void evt.detail.closeWrite().catch(() => {}) })
      for (const f of frames) {
        const payloadBytes = f.type === DATA && f.length <= 64 ? f.length : 0
        peer.send(frame(f.type, f.flags, f.streamId, f.length, new Uint8Array(payloadBytes), f.version))
      }
      peer.send(tail)
      await new Promise<void>((resolve) => { setTimeout(resolve, 0) })
      if (muxer.status === 'closed') {
        const err = await closing
        expect(['ProtocolError', 'InvalidMessageError', 'GoAwayError']).to.include(err?.name)
      }
      muxer.abort(new Error('done'))
    }), { numRuns: 300 })
  })
})

describe('remote GoAway', () => {
  it('normal: no new streams, the open ones carry on', async () => {
    const { muxer, peer } = rawPair({}, { direction: 'outbound' })
    const stream = await muxer.createStream()
    peer.send(frame(WINDOW_UPDATE, ACK, 1, 0), frame(GO_AWAY, 0, 0, 0))
    await new Promise<void>((resolve) => { setTimeout(resolve, 0) })
    expect(muxer.status).to.equal('closing')
    expect(() => muxer.createStream()).to.throw().with.property('name', 'ConnectionClosedError')
    stream.send(Uint8Array.of(1, 2))
    peer.send(dataFrame(FIN, 1, Uint8Array.of(3)))
    expect((await stream.read())?.subarray()).to.deep.equal(Uint8Array.of(3))
    const data = await peer.next((f) => f.type === DATA && f.streamId === 1)
    expect(data.payload).to.deep.equal(Uint8Array.of(1, 2))
  })

  it('normal, with no stream open: the muxer says GoAway too and closes', async () => {
    const { muxer, peer, rawConn } = rawPair()
    const closing = muxerClosed(muxer)
    peer.send(frame(GO_AWAY, 0, 0, 0))
    await peer.next(isGoAway(0))
    await peer.end() // the muxer's EOF
    await rawConn.closeWrite()
    expect(await closing).to.equal(undefined)
    expect(muxer.status).to.equal('closed')
  })

  it('normal: the muxer closes once the last open stream finishes', async () => {
    const { muxer, peer, rawConn } = rawPair({}, { direction: 'outbound' })
    const stream = await muxer.createStream()
    const closing = muxerClosed(muxer)
    peer.send(frame(WINDOW_UPDATE, ACK, 1, 0), frame(GO_AWAY, 0, 0, 0))
    peer.send(dataFrame(FIN, 1, Uint8Array.of(3)))
    expect((await stream.read())?.subarray()).to.deep.equal(Uint8Array.of(3))
    expect(muxer.status).to.equal('closing')
    await stream.closeWrite()
    await peer.next(isGoAway(0))
    await peer.end()
    await rawConn.closeWrite()
    expect(await closing).to.equal(undefined)
  })

  it('normal, from a remote that then never closes: the connection is closed after closeTimeout', async () => {
    const closeTimeout = 100
    const { muxer, peer, conn } = rawPair({ closeTimeout })
    const closing = muxerClosed(muxer)
    const start = Date.now()
    peer.send(frame(GO_AWAY, 0, 0, 0))
    const err = await closing
    expect(err?.name).to.equal('TimeoutError')
    expect(Date.now() - start).to.be.at.least(closeTimeout - 10)
    expect(conn.status).to.equal('aborted')
  })

  it('with an error code: the muxer closes with GoAwayError', async () => {
    const { muxer, peer } = rawPair({}, { direction: 'outbound' })
    const stream = await muxer.createStream()
    const closing = muxerClosed(muxer)
    peer.send(frame(GO_AWAY, 0, 0, 2))
    const err = await closing
    expect(err?.name).to.equal('GoAwayError')
    expect(err).to.have.property('code', 2)
    expect(stream.status).to.equal('aborted')
  })
})

describe('limits', () => {
  it('resets SYNs past maxInboundStreams and keeps memory bounded under a SYN flood', async function () {
    this.timeout(30_000)
    const { muxer, peer } = rawPair({ maxInboundStreams: 8 })
    let opened = 0
    muxer.addEventListener('stream', () => { opened++ })
    const syns = 20_000
    for (let batch = 0; batch < syns; batch += 1000) {
      const frames: Uint8Array[] = []
      for (let i = batch; i < batch + 1000; i++) { frames.push(frame(WINDOW_UPDATE, SYN, 2 * i + 1, 0)) }
      peer.send(...frames)
      await new Promise<void>((resolve) => { setTimeout(resolve, 0) })
    }
    await peer.next((f) => f.streamId === 2 * (syns - 1) + 1 && (f.flags & RST) !== 0)
    expect(opened).to.equal(8)
    expect(muxer.streams).to.have.length(8)
    expect(peer.frames.filter((f) => (f.flags & RST) !== 0)).to.have.length(syns - 8)
    expect(muxer.status).to.equal('open')
  })

  it('closes the connection of a remote that floods SYNs without reading the answers', async function () {
    this.timeout(30_000)
    const { muxer, peer, rawConn, conn } = rawPair({ maxInboundStreams: 1 }, { read: false, pair: { readHighWaterMark: 16 * KiB } })
    const closing = muxerClosed(muxer)
    let id = 1
    while (muxer.status !== 'closed' && id < 2_000_000) {
      const frames: Uint8Array[] = []
      for (let i = 0; i < 1000; i++, id += 2) { frames.push(frame(WINDOW_UPDATE, SYN, id, 0)) }
      peer.send(...frames)
      await new Promise<void>((resolve) => { setTimeout(resolve, 0) })
    }
    expect((await closing)?.name).to.equal('LimitExceededError')
    // what the muxer queued for the remote stayed small
    expect(conn.writeBufferLength + rawConn.readBufferLength).to.be.below(256 * KiB)
  })

  it('throws LimitExceededError past maxOutboundStreams', async () => {
    const { muxer } = rawPair({ maxOutboundStreams: 3 }, { direction: 'outbound' })
    for (let i = 0; i < 3; i++) { await muxer.createStream() }
    expect(() => muxer.createStream()).to.throw().with.property('limit', 'maxOutboundStreams')
    muxer.streams[0].abort(new Error('make room'))
    expect(await muxer.createStream()).to.have.property('direction', 'outbound')
  })

  it(`waits to open a stream while ${MAX_ACK_BACKLOG} are unacknowledged`, async () => {
    const { muxer, peer } = rawPair({}, { direction: 'outbound' })
    for (let i = 0; i < MAX_ACK_BACKLOG; i++) { await muxer.createStream() }
    let opened = false
    const next = Promise.resolve(muxer.createStream()).then((s) => { opened = true; return s })
    await new Promise<void>((resolve) => { setTimeout(resolve, 0) })
    expect(opened).to.equal(false)
    peer.send(frame(WINDOW_UPDATE, ACK, 1, 0))
    const stream = await next
    expect(stream.id).to.equal(`${2 * MAX_ACK_BACKLOG + 1}`)
  })

  it('closeRead() then close() does not reset: the stream ends cleanly at the remote\'s FIN (js-libp2p 3)', async () => {
    const { muxer, peer } = rawPair({}, { direction: 'outbound' })
    const stream = await muxer.createStream()
    peer.send(frame(WINDOW_UPDATE, ACK, 1, 0), dataFrame(0, 1, new Uint8Array(10)))
    await stream.closeRead()
    await stream.close()
    const fin = await peer.next((f) => f.streamId === 1 && (f.flags & (FIN | RST)) !== 0)
    expect(fin.flags & RST).to.equal(0)
    expect(stream.status).to.equal('open')
    const closed = new Promise(resolve => { stream.addEventListener('close', resolve, { once: true }) })
    peer.send(dataFrame(FIN, 1, new Uint8Array(5)))
    await closed
    expect(stream.status).to.equal('closed')
  })

  it('rejects bad options with InvalidParametersError', async () => {
    const { yamux } = await import('../src/index.js')
    expect(() => yamux({ initialStreamWindowSize: 1000 })).to.throw().with.property('name', 'InvalidParametersError')
    expect(() => yamux({ maxStreamWindowSize: 100 * KiB })).to.throw().with.property('name', 'InvalidParametersError')
    expect(() => yamux({ maxMessageSize: 0 })).to.throw().with.property('name', 'InvalidParametersError')
    expect(() => yamux({ maxInboundStreams: -1 })).to.throw().with.property('name', 'InvalidParametersError')
  })
})
