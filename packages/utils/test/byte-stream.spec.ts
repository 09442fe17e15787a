import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { handshakeStream, lpEncode } from '../src/byte-stream.js'
import { messageStreamPair } from '../src/stream-pair.js'

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)

describe('HandshakeStream', () => {
  it('reads length-prefixed messages split across chunks and returns the rest on unwrap', async () => {
    const [a, b] = messageStreamPair()
    const wire = new Uint8ArrayList(lpEncode(bytes(1, 2, 3)), lpEncode(bytes(4)), bytes(9, 9)).subarray()
    for (const byte of wire) { a.send(Uint8Array.of(byte)) } // one byte per chunk
    const reader = handshakeStream(b)
    expect((await reader.readLP()).subarray()).to.deep.equal(bytes(1, 2, 3))
    expect((await reader.readLP()).subarray()).to.deep.equal(bytes(4))
    const stream = reader.unwrap()
    const rest = await stream.read()
    expect(rest?.subarray()).to.deep.equal(bytes(9, 9))
    expect(reader.unwrap()).to.equal(stream)
    await expect(reader.readLP()).to.eventually.be.rejected.with.property('name', 'UnwrappedError')
  })

  it('refuses a message longer than maxDataLength before reading it', async () => {
    const [a, b] = messageStreamPair()
    a.send(lpEncode(new Uint8Array(100)))
    await expect(handshakeStream(b).readLP({ maxDataLength: 99 })).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')
  })

  it('fails with InvalidMessageError when the stream ends mid-message', async () => {
    const [a, b] = messageStreamPair()
    a.send(bytes(5, 1, 2))
    await a.closeWrite()
    await expect(handshakeStream(b).readLP()).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('honours an abort signal without losing the data that arrives later', async () => {
    const [a, b] = messageStreamPair()
    const reader = handshakeStream(b)
    const controller = new AbortController()
    const pending = reader.readLP({ signal: controller.signal })
    controller.abort()
    await expect(pending).to.eventually.be.rejected.with.property('name', 'AbortError')
    a.send(lpEncode(bytes(7)))
    expect((await reader.readLP()).subarray()).to.deep.equal(bytes(7))
  })

  it('writes and reads protobuf-style messages', async () => {
    const codec = {
      encode: (m: { n: number }) => Uint8Array.of(m.n),
      decode: (buf: Uint8Array | Uint8ArrayList) => {
        if (buf.byteLength !== 1) { throw new RangeError('bad') }
        return { n: buf.subarray()[0] }
      }
    }
    const [a, b] = messageStreamPair()
    await handshakeStream(a).writePB({ n: 42 }, codec)
    expect(await handshakeStream(b).readPB(codec)).to.deep.equal({ n: 42 })
    a.send(lpEncode(bytes(1, 2)))
    await expect(handshakeStream(b).readPB(codec)).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('only ever fails with typed errors on random input', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (input) => {
      const [a, b] = messageStreamPair()
      a.send(input)
      await a.closeWrite()
      try {
        await handshakeStream(b).readLP({ maxDataLength: 32 })
      } catch (err: any) {
        expect(['InvalidMessageError', 'MessageTooLargeError']).to.include(err.name)
      }
    }), { numRuns: 200 })
  })
})
