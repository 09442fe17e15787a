import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameDecoder } from '../src/frame-decoder.js'

function encode (messages: Uint8Array[]): Uint8Array {
  return new Uint8ArrayList(...messages.flatMap(m => [Uint8Array.of(m.byteLength >> 8, m.byteLength & 0xff), m])).subarray()
}

describe('frame decoder', () => {
  it('returns nothing until a whole message is there', () => {
    const decoder = new FrameDecoder()
    expect(decoder.next()).to.equal(undefined)
    decoder.push(Uint8Array.of(0))
    expect(decoder.next()).to.equal(undefined)
    decoder.push(Uint8Array.of(2, 7))
    expect(decoder.next()).to.equal(undefined)
    expect(decoder.bufferedBytes).to.equal(3)
    decoder.push(Uint8Array.of(8, 0))
    expect(decoder.next()?.subarray()).to.deep.equal(Uint8Array.of(7, 8))
    expect(decoder.bufferedBytes).to.equal(1)
  })

  it('hands out a message inside one read as a view of it, and one cut across reads whole', () => {
    const decoder = new FrameDecoder()
    const chunk = encode([Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5)])
    decoder.push(chunk.subarray(0, 6))
    const first = decoder.next()
    expect(first).to.deep.equal(Uint8Array.of(1, 2, 3))
    expect(first?.buffer).to.equal(chunk.buffer)
    expect(decoder.next()).to.equal(undefined)
    decoder.push(chunk.subarray(6))
    expect(decoder.next()).to.deep.equal(Uint8Array.of(4, 5))
    expect(decoder.bufferedBytes).to.equal(0)
  })

  it('reads the largest length, 65535', () => {
    const decoder = new FrameDecoder()
    decoder.push(encode([new Uint8Array(65535).fill(3)]))
    expect(decoder.next()?.byteLength).to.equal(65535)
    expect(decoder.bufferedBytes).to.equal(0)
  })

  it('fuzz: any messages, cut into any chunks, come out whole and in order', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 65500, maxLength: 65535 })), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (messages, cuts) => {
        const bytes = encode(messages)
        const points = [...new Set(cuts.map(c => c % (bytes.byteLength + 1)))].sort((a, b) => a - b)
        const decoder = new FrameDecoder()
        const out: Uint8Array[] = []
        let last = 0
        for (const point of [...points, bytes.byteLength]) {
          decoder.push(bytes.subarray(last, point))
          last = point
          for (let m = decoder.next(); m != null; m = decoder.next()) { out.push(m.slice()) }
        }
        expect(out).to.deep.equal(messages)
        expect(decoder.bufferedBytes).to.equal(0)
      }), { numRuns: 300 })
  })

  it('fuzz: arbitrary bytes never yield more bytes than were pushed', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
      const decoder = new FrameDecoder()
      let pushed = 0
      let taken = 0
      for (const chunk of chunks) {
        decoder.push(chunk)
        pushed += chunk.byteLength
        for (let m = decoder.next(); m != null; m = decoder.next()) { taken += m.byteLength + 2 }
      }
      expect(taken + decoder.bufferedBytes).to.equal(pushed)
    }), { numRuns: 300 })
  })
})
