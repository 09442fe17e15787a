import { expect } from 'aegir/chai'
import { AbstractMessageStream } from '../src/abstract-message-stream.js'
import { disabledLogger, messageStreamPair } from '../src/stream-pair.js'
import type { SendResult } from '../src/abstract-message-stream.js'
import type { Uint8ArrayList } from 'uint8arraylist'

const FRAME = 100

/** a transport that cuts data into 100-byte frames and keeps a partial frame back mid-burst */
class FramingStream extends AbstractMessageStream {
  readonly calls: Array<{ bytes: number, more: boolean }> = []
  readonly frames: number[] = []

  protected sendData (data: Uint8ArrayList, more: boolean): SendResult {
    this.calls.push({ bytes: data.byteLength, more })
    const take = more ? data.byteLength - data.byteLength % FRAME : data.byteLength
    for (let sent = 0; sent < take; sent += FRAME) { this.frames.push(Math.min(FRAME, take - sent)) }
    return { sentBytes: take, canSendMore: true }
  }

  protected sendCloseWrite (): void {}
  protected sendCloseRead (): void {}
  protected sendReset (): void {}
}

function framing (): FramingStream {
  return new FramingStream({ id: 'f', direction: 'outbound', log: disabledLogger(), writeHighWaterMark: 250, writeLowWaterMark: 50 })
}

describe('AbstractMessageStream sendData(data, more)', () => {
  it('passes more: true when a send goes over the high-water mark, and flushes the kept-back rest at the end of the tick', async () => {
    const s = framing()
    for (let i = 0; i < 5; i++) { s.send(new Uint8Array(130)) }
    // 130 * 2 = 260 >= 250: whole frames leave at once, the partial one waits for more
    expect(s.calls[0]).to.deep.equal({ bytes: 260, more: true })
    expect(s.frames.every(f => f === FRAME)).to.equal(true)
    expect(s.frames.length).to.equal(5)
    expect(s.writeBufferLength).to.equal(5 * 130 - 5 * FRAME)
    await Promise.resolve()
    await Promise.resolve()
    expect(s.writeBufferLength).to.equal(0)
    expect(s.calls[s.calls.length - 1].more).to.equal(false)
    expect(s.frames.reduce((a, b) => a + b, 0)).to.equal(5 * 130)
    // only the last frame of the burst is partial
    expect(s.frames.slice(0, -1).every(f => f === FRAME)).to.equal(true)
  })

  it('flushes everything with more: false on closeWrite', async () => {
    const s = framing()
    s.send(new Uint8Array(330))
    expect(s.writeBufferLength).to.equal(30)
    await s.closeWrite()
    expect(s.writeBufferLength).to.equal(0)
    expect(s.frames).to.deep.equal([100, 100, 100, 30])
  })

  it('passes more: false for sends under the high-water mark (end-of-tick flush)', async () => {
    const s = framing()
    s.send(new Uint8Array(30))
    s.send(new Uint8Array(40))
    await Promise.resolve()
    expect(s.calls).to.deep.equal([{ bytes: 70, more: false }])
  })
})

describe('AbstractMessageStream read buffer', () => {
  it('an empty chunk with no reader waiting is not a read', async () => {
    const [a, b] = messageStreamPair()
    b.onData(new Uint8Array(0))
    expect(b.readBufferLength).to.equal(0)
    const reading = b.read()
    a.send(Uint8Array.of(7))
    expect((await reading)?.subarray()).to.deep.equal(Uint8Array.of(7))
  })

  it('hands the buffered chunks over whole and starts a new buffer', async () => {
    const [, b] = messageStreamPair()
    b.onData(Uint8Array.of(1))
    b.onData(Uint8Array.of(2, 3))
    expect(b.readBufferLength).to.equal(3)
    expect((await b.read())?.subarray()).to.deep.equal(Uint8Array.of(1, 2, 3))
    expect(b.readBufferLength).to.equal(0)
    b.unshift(Uint8Array.of(9))
    expect((await b.read())?.subarray()).to.deep.equal(Uint8Array.of(9))
  })
})
