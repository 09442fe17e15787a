import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { DEFAULT_MAX_STREAM_WINDOW_BYTES, INITIAL_STREAM_WINDOW_BYTES } from '../src/constants.js'
import { yamux } from '../src/index.js'
import { ReceiveWindow, WindowBudget } from '../src/receive-window.js'
import { delayedPair, muxerClosed } from './fixtures/raw-peer.js'
import type { YamuxMuxerInit, YamuxMuxer, YamuxStream } from '../src/index.js'

const KiB = 1024
const MiB = 1024 * KiB

/**
 * how long until() polls a condition the link's timers will make true (the delayed link offers
 * no event for it) before it gives up, and how often
 */
const UNTIL = { timeout: 10_000, interval: 2 }

interface Link {
  dialer: YamuxMuxer
  listener: YamuxMuxer
  /** open a stream on the dialer and return both ends (one at a time: the listener's end is the next 'stream' event) */
  open(): Promise<{ local: YamuxStream, remote: YamuxStream }>
}

/** the dialers of the current test, aborted after it (also when it fails: the pumps would run on) */
const dialers: YamuxMuxer[] = []

/** a dialer with default options and a listener configured by `init`, over a link with `delayMs` each way */
function link (init: YamuxMuxerInit, delayMs = 10): Link {
  const [a, b] = delayedPair(delayMs)
  const dialer = yamux({ enableKeepAlive: false })().createStreamMuxer(a, { direction: 'outbound' }) as YamuxMuxer
  const listener = yamux({ enableKeepAlive: false, ...init })().createStreamMuxer(b, { direction: 'inbound' }) as YamuxMuxer
  dialers.push(dialer)
  return {
    dialer,
    listener,
    async open () {
      const incoming = new Promise<YamuxStream>((resolve) => {
        listener.addEventListener('stream', (evt) => { resolve(evt.detail as YamuxStream) }, { once: true })
      })
      const local = await dialer.createStream() as YamuxStream
      return { local, remote: await incoming }
    }
  }
}

/** send 64 KiB chunks as fast as the stream takes them until stop() or the stream fails */
function pump (stream: YamuxStream): { stop(): void, sent(): number, done: Promise<void> } {
  let stopped = false
  let sent = 0
  const chunk = new Uint8Array(64 * KiB)
  const done = (async () => {
    try {
      while (!stopped) { // eslint-disable-line no-unmodified-loop-condition -- set by stop()
        sent += chunk.byteLength
        if (!stream.send(chunk)) { await stream.onDrain() }
      }
    } catch {
      // the stream or the connection ended: the pump stops
    }
  })()
  return { stop: () => { stopped = true }, sent: () => sent, done }
}

/** read until `enough` says so (after each read) or the stream ends; the bytes read */
async function readUntil (stream: YamuxStream, enough: (received: number) => boolean): Promise<number> {
  let received = 0
  while (!enough(received)) {
    const data = await stream.read()
    if (data == null) { break }
    received += data.byteLength
  }
  return received
}

describe('connection window budget', () => {
  afterEach(() => {
    for (const dialer of dialers.splice(0)) { dialer.abort(new Error('the test is over')) }
  })

  it('lets a window grow only as far as the shared budget allows, and returns its growth when released', () => {
    const budget = new WindowBudget(512 * KiB)
    const a = new ReceiveWindow(256 * KiB, 2 * MiB, budget, 0)
    const b = new ReceiveWindow(256 * KiB, 2 * MiB, budget, 0)
    let now = 0
    const consumeFast = (w: ReceiveWindow): number => { now += 1; return w.consume(w.size, 10, now) }
    expect(consumeFast(a)).to.equal(512 * KiB)
    expect(consumeFast(a), 'doubling wants 512 KiB, 256 KiB are left').to.equal(768 * KiB)
    expect(a.size).to.equal(768 * KiB)
    expect(budget.used).to.equal(512 * KiB)
    consumeFast(b)
    expect(b.size, 'nothing left for the second stream').to.equal(256 * KiB)
    a.release()
    a.release()
    expect(budget.used, 'released once').to.equal(0)
    consumeFast(b)
    expect(b.size).to.equal(512 * KiB)
    expect(budget.used).to.equal(256 * KiB)
  })

  it('bounds what the remote may send when many fast streams stop reading: credit + unread <= budget + streams x 256 KiB', async function () {
    this.timeout(60_000)
    const streams = 4
    const budget = MiB
    const { dialer, listener, open } = link({ maxStreamWindowSize: 4 * MiB, maxConnectionWindowSize: budget })
    const pairs: Array<{ local: YamuxStream, remote: YamuxStream }> = []
    for (let i = 0; i < streams; i++) { pairs.push(await open()) }
    const pumps = pairs.map(({ local }) => pump(local))
    const exposure = (): number => pairs.reduce((sum, { remote }) => sum + remote.receiveCredit + remote.readBufferLength, 0)
    let maxExposure = 0
    // every reader keeps up for 4 MiB (the windows grow), then stops
    const readers = pairs.map(async ({ remote }) => readUntil(remote, (received) => {
      maxExposure = Math.max(maxExposure, exposure())
      return received >= 4 * MiB
    }))
    await Promise.all(readers)
    // the senders fill every window the readers left them
    await until(() => {
      maxExposure = Math.max(maxExposure, exposure())
      return pairs.every(({ remote }) => remote.receiveCredit === 0)
    }, 'the senders have used every window', UNTIL)
    const unread = pairs.reduce((sum, { remote }) => sum + remote.readBufferLength, 0)
    expect(maxExposure).to.be.at.most(budget + streams * INITIAL_STREAM_WINDOW_BYTES)
    expect(unread, 'the windows grew, and the remote filled them').to.be.greaterThan(streams * INITIAL_STREAM_WINDOW_BYTES)
    expect(listener.receiveWindowGrowth).to.be.at.most(budget)
    for (const p of pumps) { p.stop() }
    dialer.abort(new Error('done'))
    await Promise.all(pumps.map(async (p) => p.done))
  })

  const endings: Array<[string, (pair: { local: YamuxStream, remote: YamuxStream }) => Promise<void>]> = [
    ['both sides close (FIN each way)', async ({ local, remote }) => {
      await local.closeWrite()
      await readUntil(remote, () => false)
      await remote.closeWrite()
    }],
    ['the remote resets it', async ({ local, remote }) => {
      local.abort(new Error('reset by the test'))
      await until(() => remote.status === 'reset', 'the remote stream is reset', UNTIL)
    }],
    ['it is aborted locally', async ({ remote }) => { remote.abort(new Error('aborted by the test')) }],
    ['it stops reading and closes (closeRead, close), then the remote closes', async ({ local, remote }) => {
      await remote.closeRead()
      await remote.close()
      await local.close()
      await until(() => remote.status === 'closed', 'the remote stream is closed', UNTIL)
    }]
  ]

  for (const [how, end] of endings) {
    it(`gives a stream's growth back when ${how}, so a later stream grows again`, async function () {
      this.timeout(60_000)
      const cap = MiB
      // exactly one stream's growth: while it is held, no other stream can grow
      const { dialer, listener, open } = link({ maxStreamWindowSize: cap, maxConnectionWindowSize: cap - INITIAL_STREAM_WINDOW_BYTES })
      const first = await open()
      const firstPump = pump(first.local)
      await readUntil(first.remote, () => first.remote.receiveWindowSize === cap)
      firstPump.stop()
      await firstPump.done
      expect(listener.receiveWindowGrowth).to.equal(cap - INITIAL_STREAM_WINDOW_BYTES)

      const second = await open()
      const secondPump = pump(second.local)
      await readUntil(second.remote, (received) => received >= 2 * MiB)
      expect(second.remote.receiveWindowSize, 'the first stream holds the budget').to.equal(INITIAL_STREAM_WINDOW_BYTES)
      second.remote.abort(new Error('done with it'))

      await end(first)
      expect(first.remote.status).to.not.equal('open')
      expect(listener.receiveWindowGrowth, 'all growth given back').to.equal(0)

      const third = await open()
      const thirdPump = pump(third.local)
      await readUntil(third.remote, (received) => received >= 4 * MiB)
      expect(third.remote.receiveWindowSize).to.equal(cap)
      for (const p of [secondPump, thirdPump]) { p.stop() }
      dialer.abort(new Error('done'))
      await Promise.all([secondPump.done, thirdPump.done])
    })
  }

  it('gives all growth back when the connection ends', async function () {
    this.timeout(60_000)
    const { dialer, listener, open } = link({ maxStreamWindowSize: MiB })
    const { local, remote } = await open()
    const p = pump(local)
    await readUntil(remote, () => remote.receiveWindowSize === MiB)
    expect(listener.receiveWindowGrowth).to.equal(MiB - INITIAL_STREAM_WINDOW_BYTES)
    const closed = muxerClosed(listener)
    dialer.abort(new Error('the connection fails'))
    await closed
    expect(remote.status).to.not.equal('open')
    expect(listener.receiveWindowGrowth).to.equal(0)
    await p.done
  })

  it('does not grow the window of a stream that dropped its read side (closeRead) while the remote sends on', async function () {
    this.timeout(60_000)
    const { dialer, listener, open } = link({ maxStreamWindowSize: MiB })
    const { local, remote } = await open()
    await remote.closeRead()
    const p = pump(local)
    // the dropped bytes return their credit, so the sender is not stalled
    await until(() => p.sent() >= 8 * MiB, '8 MiB are sent', UNTIL)
    expect(remote.receiveWindowSize).to.equal(INITIAL_STREAM_WINDOW_BYTES)
    expect(listener.receiveWindowGrowth).to.equal(0)
    p.stop()
    dialer.abort(new Error('done'))
    await p.done
  })

  it('with the defaults, one stream alone still grows to maxStreamWindowSize on a link with a measured RTT', async function () {
    this.timeout(120_000)
    // a long RTT, so that the 16 MiB window, not the CPU, limits the transfer on a busy machine
    const { dialer, listener, open } = link({}, 50)
    const { local, remote } = await open()
    const p = pump(local)
    let maxUnread = 0
    await readUntil(remote, () => {
      maxUnread = Math.max(maxUnread, remote.readBufferLength)
      return remote.receiveWindowSize === DEFAULT_MAX_STREAM_WINDOW_BYTES
    })
    expect(listener.rtt).to.be.greaterThan(90)
    expect(remote.receiveWindowSize).to.equal(DEFAULT_MAX_STREAM_WINDOW_BYTES)
    expect(listener.receiveWindowGrowth).to.equal(DEFAULT_MAX_STREAM_WINDOW_BYTES - INITIAL_STREAM_WINDOW_BYTES)
    expect(maxUnread).to.be.at.most(DEFAULT_MAX_STREAM_WINDOW_BYTES)
    p.stop()
    dialer.abort(new Error('done'))
    await p.done
  })
})
