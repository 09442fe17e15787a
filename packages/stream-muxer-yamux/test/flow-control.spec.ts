import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { INITIAL_STREAM_WINDOW_BYTES } from '../src/constants.js'
import { yamux } from '../src/index.js'
import { ReceiveWindow, WindowBudget } from '../src/receive-window.js'
import { ACK, DATA, SYN, WINDOW_UPDATE, countingPair, dataFrame, delayedPair, frame, rawPair } from './fixtures/raw-peer.js'
import type { YamuxMuxer, YamuxStream } from '../src/index.js'
import type { Stream } from '@libp2p/interface'

const KiB = 1024
const MiB = 1024 * KiB

/** let the event loop turn, to show that something does not happen */
async function macrotasks (turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) { await new Promise<void>((resolve) => { setTimeout(resolve, 0) }) }
}

async function nextStream (muxer: YamuxMuxer): Promise<YamuxStream> {
  return new Promise((resolve) => {
    muxer.addEventListener('stream', (evt) => { resolve(evt.detail as YamuxStream) }, { once: true })
  })
}

describe('flow control', () => {
  it('grants no credit until the application consumes, then one update per half window', async () => {
    const { muxer, peer } = rawPair()
    const incoming = nextStream(muxer)
    peer.send(frame(WINDOW_UPDATE, SYN, 1, 0))
    const stream = await incoming
    await peer.next((f) => f.streamId === 1 && (f.flags & ACK) !== 0)
    peer.send(dataFrame(0, 1, new Uint8Array(100 * KiB)), dataFrame(0, 1, new Uint8Array(100 * KiB)))
    await macrotasks()
    expect(stream.readBufferLength).to.equal(200 * KiB)
    const updates = (): number => peer.frames.filter((f) => f.type === WINDOW_UPDATE && f.streamId === 1 && f.flags === 0).length
    expect(updates(), 'no window update on arrival').to.equal(0)
    expect((await stream.read())?.byteLength).to.equal(200 * KiB)
    const update = await peer.next((f) => f.type === WINDOW_UPDATE && f.streamId === 1 && f.flags === 0)
    expect(update.length).to.equal(200 * KiB)
    // consumption below half the window sends nothing yet
    peer.send(dataFrame(0, 1, new Uint8Array(60 * KiB)))
    expect((await stream.read())?.byteLength).to.equal(60 * KiB)
    await macrotasks()
    expect(updates()).to.equal(1)
    peer.send(dataFrame(0, 1, new Uint8Array(70 * KiB)))
    expect((await stream.read())?.byteLength).to.equal(70 * KiB)
    const second = await peer.next((f) => f.type === WINDOW_UPDATE && f.streamId === 1 && f.flags === 0, peer.frames.indexOf(update) + 1)
    expect(second.length).to.equal(130 * KiB)
  })

  it('sends no more than the window, in frames of at most maxMessageSize, and resumes on a window update', async () => {
    const { muxer, peer } = rawPair({ maxMessageSize: 50 * KiB }, { direction: 'outbound' })
    const stream = await muxer.createStream()
    const sending = (async () => {
      const data = new Uint8Array(400 * KiB)
      if (!stream.send(data)) { await stream.onDrain() }
    })()
    const dataBytes = (): number => peer.frames.filter((f) => f.type === DATA && f.streamId === 1).reduce((n, f) => n + f.length, 0)
    await peer.next(() => dataBytes() === INITIAL_STREAM_WINDOW_BYTES)
    await macrotasks()
    expect(dataBytes(), 'stops at the window').to.equal(INITIAL_STREAM_WINDOW_BYTES)
    for (const f of peer.frames.filter((f) => f.type === DATA)) { expect(f.length).to.be.at.most(50 * KiB) }
    peer.send(frame(WINDOW_UPDATE, ACK, 1, 100 * KiB))
    await peer.next(() => dataBytes() === INITIAL_STREAM_WINDOW_BYTES + 100 * KiB)
    await macrotasks()
    expect(dataBytes()).to.equal(INITIAL_STREAM_WINDOW_BYTES + 100 * KiB)
    peer.send(frame(WINDOW_UPDATE, 0, 1, MiB))
    await sending
    await peer.next(() => dataBytes() === 400 * KiB)
  })

  it('announces a larger initial window with the SYN', async () => {
    const { muxer, peer } = rawPair({ initialStreamWindowSize: MiB }, { direction: 'outbound' })
    await muxer.createStream()
    const syn = await peer.next((f) => f.type === WINDOW_UPDATE && (f.flags & SYN) !== 0)
    expect(syn.length).to.equal(MiB - INITIAL_STREAM_WINDOW_BYTES)
    // and accepts that much data at once
    peer.send(frame(WINDOW_UPDATE, ACK, 1, 0), dataFrame(0, 1, new Uint8Array(MiB)))
    await macrotasks()
    expect(muxer.status).to.equal('open')
    expect(muxer.streams[0].readBufferLength).to.equal(MiB)
  })

  it('coalesces the frames of all streams written in one tick into one connection write', async () => {
    const [a, b] = countingPair()
    const dialer = yamux({ enableKeepAlive: false, maxStreamWindowSize: INITIAL_STREAM_WINDOW_BYTES })().createStreamMuxer(a, { direction: 'outbound' })
    const listener = yamux({ enableKeepAlive: false })().createStreamMuxer(b, { direction: 'inbound' })
    const received: Stream[] = []
    listener.addEventListener('stream', (evt) => { received.push(evt.detail) })
    await macrotasks()
    const before = a.writes
    // yamux opens streams synchronously, so all of this happens in one tick
    const streams = Array.from({ length: 20 }, () => dialer.createStream() as Stream)
    for (const s of streams) { s.send(Uint8Array.of(1, 2, 3)) }
    await macrotasks()
    expect(a.writes - before, '20 SYNs + 20 data frames in one write').to.equal(1)
    expect(received).to.have.length(20)
    dialer.abort(new Error('done'))
  })
})

describe('receive window auto-tuning', () => {
  it('doubles when a window is consumed within two RTTs, and stops at the cap', () => {
    const w = new ReceiveWindow(256 * KiB, MiB, new WindowBudget(Infinity), 0)
    let now = 0
    const sizes: number[] = []
    for (let i = 0; i < 10; i++) {
      now += 1 // a window every 2 ms, RTT 10 ms: window-limited
      w.consume(w.size, 10, now)
      sizes.push(w.size)
    }
    expect(sizes.slice(0, 3)).to.deep.equal([512 * KiB, MiB, MiB])
    expect(Math.max(...sizes)).to.equal(MiB)
  })

  it('does not grow for a slow reader, nor without an RTT', () => {
    const slow = new ReceiveWindow(256 * KiB, 16 * MiB, new WindowBudget(Infinity), 0)
    const unknown = new ReceiveWindow(256 * KiB, 16 * MiB, new WindowBudget(Infinity), 0)
    for (let i = 1; i <= 20; i++) {
      slow.consume(128 * KiB, 10, i * 100) // half a window per 100 ms with a 10 ms RTT
      unknown.consume(128 * KiB, undefined, i * 0.001)
    }
    expect(slow.size).to.equal(256 * KiB)
    expect(unknown.size).to.equal(256 * KiB)
  })

  it('grants the growth with the update, and keeps credit plus unread bytes within the window', () => {
    const w = new ReceiveWindow(256 * KiB, 16 * MiB, new WindowBudget(Infinity), 0)
    expect(w.receive(256 * KiB)).to.equal(true)
    expect(w.receive(1)).to.equal(false)
    expect(w.consume(100 * KiB, 10, 1)).to.equal(0)
    const delta = w.consume(156 * KiB, 10, 1)
    expect(w.size).to.equal(512 * KiB)
    expect(delta).to.equal(512 * KiB)
    expect(w.credit).to.equal(512 * KiB)
  })

  it('grows the window of a fast reader over a link with latency, up to maxStreamWindowSize', async function () {
    this.timeout(30_000)
    const cap = 2 * MiB
    const [a, b] = delayedPair(10)
    const dialer = yamux({ maxStreamWindowSize: cap, enableKeepAlive: false })().createStreamMuxer(a, { direction: 'outbound' }) as YamuxMuxer
    const listener = yamux({ maxStreamWindowSize: cap, enableKeepAlive: false })().createStreamMuxer(b, { direction: 'inbound' }) as YamuxMuxer
    const incoming = nextStream(listener)
    const stream = await dialer.createStream()
    const remote = await incoming
    const total = 24 * MiB
    const chunk = new Uint8Array(64 * KiB)
    const sending = (async () => {
      for (let sent = 0; sent < total; sent += chunk.byteLength) {
        if (!stream.send(chunk)) { await stream.onDrain() }
      }
      await stream.closeWrite()
    })()
    let received = 0
    let maxUnread = 0
    const sizes = new Set<number>()
    while (true) {
      maxUnread = Math.max(maxUnread, remote.readBufferLength)
      const data = await remote.read()
      if (data == null) { break }
      received += data.byteLength
      sizes.add(remote.receiveWindowSize)
    }
    await sending
    expect(received).to.equal(total)
    expect(listener.rtt).to.be.greaterThan(15)
    expect(remote.receiveWindowSize, 'grew to the cap').to.equal(cap)
    expect([...sizes].sort((x, y) => x - y)).to.include.members([512 * KiB, MiB, 2 * MiB])
    expect(maxUnread).to.be.at.most(cap)
    dialer.abort(new Error('done'))
  })

  it('keeps unread data within the window when the application stops reading', async () => {
    const [a, b] = delayedPair(5)
    const dialer = yamux({ enableKeepAlive: false })().createStreamMuxer(a, { direction: 'outbound' })
    const listener = yamux({ enableKeepAlive: false })().createStreamMuxer(b, { direction: 'inbound' })
    const incoming = nextStream(listener as YamuxMuxer)
    const stream = await dialer.createStream()
    const remote = await incoming
    let blocked = false
    void (async () => {
      while (stream.send(new Uint8Array(64 * KiB))) { /* fill */ }
      blocked = true
      await stream.onDrain().catch(() => {})
    })()
    await until(() => blocked && remote.readBufferLength >= remote.receiveWindowSize, 'the sender is blocked and the window is full', { timeout: 10_000, interval: 5 })
    await macrotasks()
    expect(remote.readBufferLength).to.equal(INITIAL_STREAM_WINDOW_BYTES)
    expect((await remote.read())?.byteLength).to.equal(INITIAL_STREAM_WINDOW_BYTES)
    dialer.abort(new Error('done'))
  })
})
