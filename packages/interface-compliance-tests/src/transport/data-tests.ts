import { expect } from 'aegir/chai'
import { rawConnection } from './recording-upgrader.js'
import {
  checksumOf, checksumToEnd, deadline, patternChunks, readAll, readAtLeast, sendAll, waitFor, waitForFinal
} from './stream-helpers.js'
import type { SuiteContext } from './context.js'
import type { Connection, MessageStream } from '@libp2p/interface'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** connections the concurrency test opens at once */
const CONCURRENT_DIALS = 16
/** each direction of the bulk transfer */
const BULK_BYTES = 4 * 1024 * 1024
const BULK_CHUNK_BYTES = 64 * 1024
/** the back-pressure test fails if this much is accepted without the sender being held */
const MAX_UNREAD_BYTES = 64 * 1024 * 1024
/** how long onDrain() must stay pending for the pipe to count as full */
const DRAIN_PROBE_MS = 200

/** echo everything until EOF, then close the write side */
async function echo (pipe: MessageStream): Promise<void> {
  while (true) {
    const chunk = await pipe.read({ signal: deadline() })
    if (chunk == null) { break }
    if (!pipe.send(chunk)) { await pipe.onDrain({ signal: deadline() }) }
  }
  await pipe.closeWrite({ signal: deadline() })
}

export function dataTests (ctx: SuiteContext): void {
  describe('dial and exchange data', () => {
    ctx.test('dials and carries bytes both ways', async () => {
      const { connection, upgrader, outbound, inbound, outboundRaw, inboundRaw } = await ctx.dial(await ctx.listen())
      expect(upgrader.outbound).to.have.length(1)
      expect(connection.direction).to.equal('outbound')
      expect(outboundRaw.direction).to.equal('outbound')
      expect(inboundRaw.direction).to.equal('inbound')
      expect(outboundRaw.remoteAddr).to.exist()
      expect(inboundRaw.remoteAddr).to.exist()
      expect(outbound.status).to.equal('open')

      outbound.send(encoder.encode('hello from the dialer'))
      expect(decoder.decode((await readAtLeast(inbound, 21, { signal: deadline() })).subarray())).to.equal('hello from the dialer')
      inbound.send(encoder.encode('hello from the listener'))
      expect(decoder.decode((await readAtLeast(outbound, 23, { signal: deadline() })).subarray())).to.equal('hello from the listener')
    })

    ctx.test('dial() upgrades with the upgrader it is given', async () => {
      const listening = await ctx.listen()
      const upgrader = ctx.upgrader()
      const connection = await ctx.setup.dialer.dial(listening.addrs[0], { upgrader, signal: deadline() })
      expect(upgrader.outbound).to.have.length(1)
      expect(rawConnection(connection)).to.equal(upgrader.outbound[0])
    })

    ctx.test('announces an accepted connection with a connection event', async () => {
      const listening = await ctx.listen()
      const connectionEvent = waitFor<CustomEvent<Connection>>(listening.listener, 'connection')
      const { inboundRaw } = await ctx.dial(listening)
      const event = await connectionEvent
      expect(event?.detail).to.exist()
      expect(rawConnection(event?.detail as Connection)).to.equal(inboundRaw)
      expect(event?.detail.direction).to.equal('inbound')
    })

    ctx.test(`carries ${CONCURRENT_DIALS} concurrent connections independently`, async () => {
      const listening = await ctx.listen()
      // the listener's side of each connection as its upgrader records it (a listener need not announce them)
      const echoes = Promise.all(Array.from({ length: CONCURRENT_DIALS }, async (_, i) => {
        const signal = deadline()
        const maConn = await listening.upgrader.waitFor('inbound', i + 1, { signal })
        await echo(await listening.upgrader.pipe(maConn, { signal }))
      }))
      const replies = await Promise.all(Array.from({ length: CONCURRENT_DIALS }, async (_, i) => {
        // a signal per connection: one shared by all of them would carry too many listeners
        const signal = deadline()
        const upgrader = ctx.upgrader()
        const connection = await ctx.setup.dialer.dial(listening.addrs[0], { upgrader, signal })
        const pipe = await upgrader.pipe(rawConnection(connection), { signal })
        pipe.send(encoder.encode(`connection ${i}`))
        await pipe.closeWrite({ signal })
        return decoder.decode(await readAll(pipe, { signal }))
      }))
      expect(replies).to.deep.equal(Array.from({ length: CONCURRENT_DIALS }, (_, i) => `connection ${i}`))
      expect(listening.upgrader.inbound).to.have.length(CONCURRENT_DIALS)
      await echoes
    })

    ctx.test(`moves ${BULK_BYTES / 1024 / 1024} MiB each way at once, intact`, async function () {
      this.timeout(60_000)
      const { outbound, inbound } = await ctx.dial(await ctx.listen())
      const signal = deadline(50_000)
      const send = async (pipe: MessageStream, seed: number): Promise<void> => {
        await sendAll(pipe, patternChunks(BULK_BYTES, BULK_CHUNK_BYTES, seed), { signal })
        await pipe.closeWrite({ signal })
      }
      const [, , toListener, toDialer] = await Promise.all([
        send(outbound, 1),
        send(inbound, 2),
        checksumToEnd(inbound, { signal }),
        checksumToEnd(outbound, { signal })
      ])
      expect(toListener).to.equal(checksumOf(patternChunks(BULK_BYTES, BULK_CHUNK_BYTES, 1)))
      expect(toDialer).to.equal(checksumOf(patternChunks(BULK_BYTES, BULK_CHUNK_BYTES, 2)))
    })

    ctx.test('holds a sender whose receiver does not read: send() returns false and onDrain() waits', async function () {
      this.timeout(60_000)
      const { outbound, inbound } = await ctx.dial(await ctx.listen())
      const chunks = patternChunks(MAX_UNREAD_BYTES, BULK_CHUNK_BYTES, 3)
      let sent = 0
      let held = false
      for (const chunk of chunks) {
        sent += chunk.byteLength
        if (outbound.send(chunk)) { continue }
        // the pipe is full when a drain does not come while nobody reads
        try {
          await outbound.onDrain({ signal: deadline(DRAIN_PROBE_MS) })
        } catch (err: any) {
          expect(err.name).to.be.oneOf(['TimeoutError', 'AbortError'])
          held = true
          break
        }
      }
      expect(held, `${sent} bytes were accepted without back-pressure`).to.equal(true)
      expect(outbound.writeBufferLength).to.be.greaterThan(0)

      // reading releases the sender; everything arrives
      const received = checksumToEnd(inbound, { signal: deadline(50_000) })
      await outbound.onDrain({ signal: deadline() })
      await outbound.closeWrite({ signal: deadline() })
      // the pattern is deterministic: its first `sent` bytes are what went out
      expect(await received).to.equal(checksumOf(patternChunks(sent, BULK_CHUNK_BYTES, 3)))
    })

    ctx.test('half-closes each direction independently', async () => {
      const { outbound, inbound } = await ctx.dial(await ctx.listen())
      outbound.send(encoder.encode('request'))
      await outbound.closeWrite({ signal: deadline() })
      expect(outbound.writeStatus).to.equal('closed')
      expect(() => outbound.send(Uint8Array.of(1))).to.throw().with.property('name', 'StreamStateError')

      expect(decoder.decode(await readAll(inbound, { signal: deadline() }))).to.equal('request')
      expect(inbound.remoteWriteStatus).to.equal('closed')
      expect(inbound.writeStatus).to.equal('writable')

      // the other direction still works after the first one ended
      inbound.send(encoder.encode('response'))
      await inbound.closeWrite({ signal: deadline() })
      expect(decoder.decode(await readAll(outbound, { signal: deadline() }))).to.equal('response')

      await waitForFinal(outbound, { signal: deadline() })
      await waitForFinal(inbound, { signal: deadline() })
      expect(outbound.status).to.equal('closed')
      expect(inbound.status).to.equal('closed')
    })

    ctx.test('close() on one end closes both ends cleanly', async () => {
      const { outbound, inbound } = await ctx.dial(await ctx.listen())
      const closing = outbound.close({ signal: deadline() })
      expect(await inbound.read({ signal: deadline() })).to.equal(null)
      await inbound.close({ signal: deadline() })
      await closing
      expect(outbound.status).to.equal('closed')
      expect(inbound.status).to.equal('closed')
    })

    ctx.test('abort() on one end resets the other: its reads fail', async () => {
      const { outbound, inbound } = await ctx.dial(await ctx.listen())
      const reading = readAll(inbound, { signal: deadline() })
      const remoteClosed = waitFor<CustomEvent<{ error?: Error }>>(inbound, 'close', () => inbound.status !== 'open')
      outbound.abort(new Error('aborted by the test'))
      expect(outbound.status).to.equal('aborted')
      await expect(reading).to.eventually.be.rejected()
      await remoteClosed
      expect(inbound.status).to.be.oneOf(['reset', 'aborted'])
      expect(() => inbound.send(Uint8Array.of(1))).to.throw()
    })
  })
}
