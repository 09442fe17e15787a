import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { decodeVarint, encodeVarint, varintLength } from '../src/varint.js'

describe('varint', () => {
  // vectors from the multiformats unsigned-varint spec
  const vectors: Array<[number, number[]]> = [
    [1, [0x01]], [127, [0x7f]], [128, [0x80, 0x01]], [255, [0xff, 0x01]],
    [300, [0xac, 0x02]], [16384, [0x80, 0x80, 0x01]]
  ]

  for (const [value, bytes] of vectors) {
    it(`encodes and decodes ${value}`, () => {
      expect([...encodeVarint(value)]).to.deep.equal(bytes)
      expect(decodeVarint(Uint8Array.from(bytes))).to.deep.equal({ value, bytes: bytes.length })
      expect(decodeVarint(new Uint8ArrayList(Uint8Array.from(bytes.slice(0, 1)), Uint8Array.from(bytes.slice(1))))).to.deep.equal({ value, bytes: bytes.length })
    })
  }

  it('round trips every safe integer size', () => {
    fc.assert(fc.property(fc.maxSafeNat(), (n) => {
      const enc = encodeVarint(n)
      expect(enc.byteLength).to.equal(varintLength(n))
      expect(decodeVarint(enc)?.value).to.equal(n)
    }))
  })

  it('asks for more bytes when the varint is cut', () => {
    expect(decodeVarint(Uint8Array.from([0x80]))).to.equal(undefined)
    expect(decodeVarint(new Uint8Array(0))).to.equal(undefined)
  })

  it('refuses non-minimal and over-long varints', () => {
    expect(() => decodeVarint(Uint8Array.from([0x81, 0x00]))).to.throw().with.property('name', 'InvalidMessageError')
    expect(() => decodeVarint(new Uint8Array(12).fill(0xff))).to.throw().with.property('name', 'InvalidMessageError')
  })

  it('never throws anything but InvalidMessageError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      try {
        decodeVarint(bytes)
      } catch (err: any) {
        expect(err.name).to.equal('InvalidMessageError')
      }
    }))
  })
})
