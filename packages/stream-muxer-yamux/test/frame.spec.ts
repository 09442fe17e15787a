import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { FrameDecoder } from '../src/decoder.js'
import { encodeHeader, Flag, FrameType, GoAwayCode } from '../src/frame.js'
import { frame } from './fixtures/raw-peer.js'
import type { FrameHeader } from '../src/frame.js'

describe('frame header', () => {
  // bytes written out by hand from the spec: version, type, flags (16 bits), stream id, length, big endian
  const vectors: Array<[string, Uint8Array, number[]]> = [
    ['Data SYN, stream 1, 5 bytes', encodeHeader(FrameType.Data, Flag.SYN, 1, 5), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 5]],
    ['WindowUpdate ACK, stream 0x01020304, delta 256 KiB', encodeHeader(FrameType.WindowUpdate, Flag.ACK, 0x01020304, 262144), [0, 1, 0, 2, 1, 2, 3, 4, 0, 4, 0, 0]],
    ['WindowUpdate FIN|RST, stream 2', encodeHeader(FrameType.WindowUpdate, Flag.FIN | Flag.RST, 2, 0), [0, 1, 0, 0x0c, 0, 0, 0, 2, 0, 0, 0, 0]],
    ['Ping SYN, opaque 0xdeadbeef', encodeHeader(FrameType.Ping, Flag.SYN, 0, 0xdeadbeef), [0, 2, 0, 1, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]],
    ['Ping ACK, opaque 7', encodeHeader(FrameType.Ping, Flag.ACK, 0, 7), [0, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 7]],
    ['GoAway normal', encodeHeader(FrameType.GoAway, 0, 0, GoAwayCode.Normal), [0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
    ['GoAway protocol error', encodeHeader(FrameType.GoAway, 0, 0, GoAwayCode.ProtocolError), [0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ['GoAway internal error', encodeHeader(FrameType.GoAway, 0, 0, GoAwayCode.InternalError), [0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]],
    ['largest id and length', encodeHeader(FrameType.Data, 0, 0xffffffff, 0xffffffff), [0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]]
  ]

  for (const [name, encoded, bytes] of vectors) {
    it(`encodes ${name}`, () => {
      expect([...encoded]).to.deep.equal(bytes)
    })

    it(`decodes ${name}`, () => {
      const decoder = new FrameDecoder()
      decoder.push(Uint8Array.from(bytes))
      const header = decoder.readHeader()
      const view = new DataView(Uint8Array.from(bytes).buffer)
      expect(header).to.deep.equal({ type: bytes[1], flags: view.getUint16(2), streamId: view.getUint32(4), length: view.getUint32(8) })
      expect(decoder.bufferedBytes).to.equal(0)
    })
  }

  it('headers stay valid after many more are encoded', () => {
    const first = encodeHeader(FrameType.Data, 0, 3, 9)
    for (let i = 0; i < 2000; i++) { encodeHeader(FrameType.Ping, Flag.SYN, 0, i) }
    expect([...first]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 9])
  })
})

describe('frame decoder', () => {
  it('decodes frames split at every byte position', () => {
    const bytes = new Uint8ArrayList(
      frame(0, 1, 1, 3, Uint8Array.of(7, 8, 9)),
      frame(1, 4, 1, 100),
      frame(2, 2, 0, 42)
    ).subarray()
    for (let cut = 0; cut <= bytes.byteLength; cut++) {
      const decoder = new FrameDecoder()
      decoder.push(bytes.subarray(0, cut))
      decoder.push(new Uint8ArrayList(bytes.subarray(cut)))
      const data = decoder.readHeader()
      expect(data).to.deep.equal({ type: 0, flags: 1, streamId: 1, length: 3 })
      expect(decoder.readPayload(3)?.subarray()).to.deep.equal(Uint8Array.of(7, 8, 9))
      expect(decoder.readHeader()).to.deep.equal({ type: 1, flags: 4, streamId: 1, length: 100 })
      expect(decoder.readHeader()).to.deep.equal({ type: 2, flags: 2, streamId: 0, length: 42 })
      expect(decoder.readHeader()).to.equal(undefined)
    }
  })

  it('waits for a whole header and a whole payload', () => {
    const decoder = new FrameDecoder()
    const bytes = frame(0, 0, 1, 4, Uint8Array.of(1, 2, 3, 4))
    decoder.push(bytes.subarray(0, 11))
    expect(decoder.readHeader()).to.equal(undefined)
    decoder.push(bytes.subarray(11, 14))
    expect(decoder.readHeader()?.length).to.equal(4)
    expect(decoder.readPayload(4)).to.equal(undefined)
    decoder.push(bytes.subarray(14))
    expect(decoder.readPayload(4)?.subarray()).to.deep.equal(Uint8Array.of(1, 2, 3, 4))
  })

  it('hands out payloads as views of the received chunks, without copying', () => {
    const decoder = new FrameDecoder()
    const chunk = frame(0, 0, 1, 1000, new Uint8Array(1000).fill(5))
    decoder.push(chunk)
    decoder.readHeader()
    const parts = [...(decoder.readPayload(1000) ?? [])]
    expect(parts).to.have.length(1)
    expect(parts[0].buffer).to.equal(chunk.buffer)
    expect(parts[0].byteOffset).to.equal(12)
  })

  it('skips payloads it is told to drop', () => {
    const decoder = new FrameDecoder()
    decoder.push(frame(0, 0, 1, 5, new Uint8Array(5)))
    decoder.push(frame(2, 1, 0, 9))
    decoder.readHeader()
    expect(decoder.skip(5)).to.equal(5)
    expect(decoder.readHeader()).to.deep.equal({ type: 2, flags: 1, streamId: 0, length: 9 })
  })

  it('rejects a version other than 0 with InvalidMessageError', () => {
    const decoder = new FrameDecoder()
    decoder.push(frame(0, 0, 1, 0, undefined, 1))
    expect(() => decoder.readHeader()).to.throw().with.property('name', 'InvalidMessageError')
  })

  it('rejects an unknown frame type with InvalidMessageError', () => {
    const decoder = new FrameDecoder()
    decoder.push(frame(4, 0, 1, 0))
    expect(() => decoder.readHeader()).to.throw().with.property('name', 'InvalidMessageError')
  })

  it('never fails with anything but InvalidMessageError on random bytes, in random chunks', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
      const decoder = new FrameDecoder()
      let total = 0
      for (const chunk of chunks) { decoder.push(chunk); total += chunk.byteLength }
      let consumed = 0
      try {
        for (let header: FrameHeader | undefined = decoder.readHeader(); header != null; header = decoder.readHeader()) {
          consumed += 12
          if (header.type === FrameType.Data) {
            const payload = decoder.readPayload(header.length)
            if (payload == null) { break }
            consumed += payload.byteLength
          }
        }
      } catch (err: any) {
        expect(err.name).to.equal('InvalidMessageError')
        return
      }
      expect(consumed + decoder.bufferedBytes).to.equal(total)
    }), { numRuns: 2000 })
  })
})
