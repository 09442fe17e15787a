import { expect } from 'aegir/chai'
import { until } from '../wait/index.js'
import { closed, echo, firstDifference, isFinal, macrotasks, MuxerTracker, openPair, pattern, readAll, sendAll } from './helpers.js'
import type { StreamMuxerSuiteSetup } from './setup.js'
import type { Stream, StreamMuxerFactory } from '@libp2p/interface'

const MiB = 1024 * 1024

export function stressTests (common: StreamMuxerSuiteSetup): void {
  describe('many streams, large transfers, back-pressure', function () {
    this.timeout(120_000)
    let factory: StreamMuxerFactory
    const muxers = new MuxerTracker(common.connectionPair)

    before(async () => { factory = await common.setup() })
    after(async () => { await common.teardown?.() })
    afterEach(() => { muxers.abortAll() })

    it('carries 128 concurrent streams each way, each with its own data', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const count = 128
      for (const muxer of [dialer, listener]) {
        muxer.addEventListener('stream', (evt) => { void echo(evt.detail) })
      }
      const run = async (muxer: typeof dialer, i: number): Promise<number> => {
        const stream = await muxer.createStream()
        const data = pattern(i, 1024 + i * 97)
        const [, back] = await Promise.all([
          sendAll(stream, data, 4096).then(async () => { await stream.closeWrite() }),
          readAll(stream)
        ])
        return firstDifference(back, data)
      }
      const results = await Promise.all([
        ...Array.from({ length: count }, async (_, i) => run(dialer, i)),
        ...Array.from({ length: count }, async (_, i) => run(listener, count + i))
      ])
      expect(results.filter((r) => r !== -1)).to.deep.equal([])
      await until(() => dialer.streams.length === 0 && listener.streams.length === 0, 'every stream has left the muxers')
    })

    it('transfers 8 MiB each way at once, byte-exact, in chunks of varied sizes', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [local, remote] = await openPair(dialer, listener)
      const up = pattern(1, 8 * MiB)
      const down = pattern(2, 8 * MiB)
      const sendVaried = async (stream: Stream, data: Uint8Array): Promise<void> => {
        let offset = 0
        for (let i = 0; offset < data.byteLength; i++) {
          const size = [1, 100, 4096, 65_536, 300_000, 1_000_000][i % 6]
          if (!stream.send(data.subarray(offset, offset + size))) { await stream.onDrain() }
          offset += size
        }
        await stream.closeWrite()
      }
      const [, , receivedUp, receivedDown] = await Promise.all([
        sendVaried(local, up), sendVaried(remote, down), readAll(remote), readAll(local)
      ])
      expect(receivedUp.byteLength).to.equal(up.byteLength)
      expect(firstDifference(receivedUp, up)).to.equal(-1)
      expect(receivedDown.byteLength).to.equal(down.byteLength)
      expect(firstDifference(receivedDown, down)).to.equal(-1)
    })

    if (common.flowControl === false) {
      // a muxer without flow control cannot stop the sender: it bounds unread data by aborting instead
      it('aborts a stream whose receiver does not read once its unread data would pass the bound, and resets the sender', async () => {
        const { dialer, listener } = await muxers.open(factory)
        const [local, remote] = await openPair(dialer, listener)
        const bound = common.maxUnreadBytesPerStream ?? 16 * MiB
        const remoteEnd = new Promise<Error | undefined>((resolve) => {
          remote.addEventListener('close', (evt) => { resolve(evt.detail.error) }, { once: true })
        })
        const sending = sendAll(local, pattern(3, bound * 2)).catch(() => {})
        expect(['LimitExceededError', 'StreamBufferError']).to.include((await remoteEnd)?.name)
        await closed(local, () => isFinal(local))
        expect(local.status).to.equal('reset')
        await sending
      })
    } else {
      it('stops a sender whose receiver does not read, keeps unread data bounded, then delivers everything', async () => {
        const { dialer, listener } = await muxers.open(factory)
        const [local, remote] = await openPair(dialer, listener)
        const bound = common.maxUnreadBytesPerStream ?? 16 * MiB
        const total = bound * 2 + 8 * MiB
        const chunk = pattern(3, 64 * 1024)
        let accepted = 0
        let waiting = false
        const sending = (async () => {
          while (accepted < total) {
            const more = local.send(chunk)
            accepted += chunk.byteLength
            if (!more) {
              waiting = true
              await local.onDrain()
              waiting = false
            }
          }
          await local.closeWrite()
        })()
        await until(() => waiting, 'the sender waits for drain')
        await macrotasks()
        const acceptedWhenBlocked = accepted
        expect(waiting).to.equal(true)
        expect(remote.readBufferLength).to.be.at.most(bound)
        expect(local.writeBufferLength).to.be.at.most(4 * MiB)
        await macrotasks()
        expect(accepted, 'a blocked sender must really wait').to.equal(acceptedWhenBlocked)
        expect(remote.readBufferLength).to.be.at.most(bound)
        const received = await readAll(remote)
        await sending
        expect(received.byteLength).to.equal(total)
        expect(firstDifference(received.subarray(total - chunk.byteLength), chunk)).to.equal(-1)
      })
    }

    it('a stream whose reader is stalled does not block the other streams', async () => {
      const { dialer, listener } = await muxers.open(factory)
      const [stalled] = await openPair(dialer, listener)
      const chunk = new Uint8Array(64 * 1024)
      let stalledWaiting = false
      void (async () => {
        while (stalled.send(chunk)) { /* fill until back-pressure */ }
        stalledWaiting = true
        await stalled.onDrain().catch(() => {})
      })()
      await until(() => stalledWaiting, 'the stalled stream is blocked')
      const [local, remote] = await openPair(dialer, listener)
      const data = pattern(4, 2 * MiB)
      const [, received] = await Promise.all([
        sendAll(local, data).then(async () => { await local.closeWrite() }),
        readAll(remote)
      ])
      expect(firstDifference(received, data)).to.equal(-1)
      expect(stalled.status).to.equal('open')
    })

    it('opens and closes 500 streams one after another', async () => {
      const { dialer, listener } = await muxers.open(factory)
      listener.addEventListener('stream', (evt) => { void echo(evt.detail) })
      for (let i = 0; i < 500; i++) {
        const stream = await dialer.createStream()
        stream.send(Uint8Array.of(i & 0xff))
        await stream.closeWrite()
        const back = await readAll(stream)
        expect(back).to.deep.equal(Uint8Array.of(i & 0xff))
      }
      await until(() => dialer.streams.length === 0 && listener.streams.length === 0, 'every stream has left the muxers')
    })
  })
}
