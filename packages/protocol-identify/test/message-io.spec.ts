import { lpEncode, messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGES } from '../src/constants.js'
import { mergeIdentify, readIdentify, writeIdentify } from '../src/message-io.js'
import { Identify } from '../src/pb/message.js'

const limits = { maxMessageSize: DEFAULT_MAX_MESSAGE_BYTES, maxMessages: DEFAULT_MAX_MESSAGES }

function sample (): Identify {
  return {
    protocolVersion: 'ipfs/0.1.0',
    agentVersion: 'test/1.0.0',
    publicKey: Uint8Array.from([8, 1, 18, 32, ...new Uint8Array(32).fill(7)]),
    listenAddrs: [Uint8Array.from([4, 127, 0, 0, 1, 6, 0x0f, 0xa1])],
    observedAddr: Uint8Array.from([4, 10, 0, 0, 1, 6, 0x0f, 0xa2]),
    protocols: ['/ipfs/id/1.0.0', '/ipfs/ping/1.0.0']
  }
}

describe('identify message io', () => {
  it('reads a message that arrives one byte at a time', async () => {
    const [out, inb] = messageStreamPair()
    const bytes = lpEncode(Identify.encode(sample())).subarray()
    const reading = readIdentify(inb, limits)
    for (const byte of bytes) { out.send(Uint8Array.of(byte)) }
    await out.closeWrite()
    expect(await reading).to.deep.equal(sample())
  })

  it('writes what it reads', async () => {
    const [out, inb] = messageStreamPair()
    await writeIdentify(out, sample())
    await out.closeWrite()
    expect(await readIdentify(inb, limits)).to.deep.equal(sample())
  })

  it('merges a message split in two as go-libp2p sends large ones', async () => {
    const [out, inb] = messageStreamPair()
    const first = { ...sample(), listenAddrs: [Uint8Array.from([4, 1, 2, 3, 4])] }
    const record = Uint8Array.from([1, 2, 3])
    const second: Identify = { listenAddrs: [Uint8Array.from([4, 5, 6, 7, 8])], protocols: ['/x/1.0.0'], signedPeerRecord: record }
    await writeIdentify(out, first)
    await writeIdentify(out, second)
    await out.closeWrite()
    const merged = await readIdentify(inb, limits)
    expect(merged).to.deep.equal({
      ...first,
      listenAddrs: [...first.listenAddrs, ...second.listenAddrs],
      protocols: [...first.protocols, '/x/1.0.0'],
      signedPeerRecord: record
    })
  })

  it('later fields replace earlier ones when merging', () => {
    const merged = mergeIdentify({ ...sample(), agentVersion: 'a' }, { agentVersion: 'b', listenAddrs: [], protocols: [] })
    expect(merged.agentVersion).to.equal('b')
    expect(merged.protocolVersion).to.equal(sample().protocolVersion)
  })

  it('refuses a length prefix over maxMessageSize before the body arrives (MessageTooLargeError)', async () => {
    const [out, inb] = messageStreamPair()
    const reading = readIdentify(inb, limits)
    // the prefix alone: the reader must not wait for 9000 bytes that never come
    out.send(lpEncode(new Uint8Array(DEFAULT_MAX_MESSAGE_BYTES + 1)).sublist(0, 2))
    await expect(reading).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')
  })

  it('accepts a message of exactly maxMessageSize', async () => {
    const [out, inb] = messageStreamPair()
    const message: Identify = { agentVersion: 'x'.repeat(100), listenAddrs: [], protocols: [] }
    const size = Identify.encode(message).byteLength
    await writeIdentify(out, message)
    await out.closeWrite()
    expect(await readIdentify(inb, { ...limits, maxMessageSize: size })).to.deep.equal(message)
  })

  it('refuses more than maxMessages messages (MessageTooLargeError)', async () => {
    const [out, inb] = messageStreamPair()
    for (let i = 0; i < 3; i++) { await writeIdentify(out, { listenAddrs: [], protocols: [`/p/${i}`] }) }
    await out.closeWrite()
    await expect(readIdentify(inb, { ...limits, maxMessages: 2 })).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')
  })

  it('refuses bytes that are not an identify message (InvalidMessageError)', async () => {
    const [out, inb] = messageStreamPair()
    // field 1 (bytes) claims 5 bytes, holds 1
    out.send(lpEncode(Uint8Array.from([0x0a, 0x05, 0x01])))
    await out.closeWrite()
    await expect(readIdentify(inb, limits)).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('refuses a message cut short by EOF (InvalidMessageError)', async () => {
    const [out, inb] = messageStreamPair()
    const bytes = lpEncode(Identify.encode(sample())).subarray()
    out.send(bytes.subarray(0, bytes.byteLength - 3))
    await out.closeWrite()
    await expect(readIdentify(inb, limits)).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('refuses a stream that ends without a message (InvalidMessageError)', async () => {
    const [out, inb] = messageStreamPair()
    await out.closeWrite()
    await expect(readIdentify(inb, limits)).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('ends the read with the signal\'s reason', async () => {
    const [, inb] = messageStreamPair()
    const controller = new AbortController()
    const reading = readIdentify(inb, { ...limits, signal: controller.signal })
    controller.abort(new Error('stop'))
    await expect(reading).to.eventually.be.rejected.with.property('message', 'stop')
  })

  it('round-trips any message (fuzz)', async () => {
    const arbIdentify = fc.record({
      protocolVersion: fc.option(fc.string(), { nil: undefined }),
      agentVersion: fc.option(fc.string(), { nil: undefined }),
      publicKey: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
      listenAddrs: fc.array(fc.uint8Array({ maxLength: 32 }), { maxLength: 8 }),
      observedAddr: fc.option(fc.uint8Array({ maxLength: 32 }), { nil: undefined }),
      protocols: fc.array(fc.string(), { maxLength: 8 }),
      signedPeerRecord: fc.option(fc.uint8Array({ maxLength: 128 }), { nil: undefined })
    })
    await fc.assert(fc.asyncProperty(arbIdentify, fc.integer({ min: 1, max: 64 }), async (message, chunkSize) => {
      const [out, inb] = messageStreamPair()
      const bytes = lpEncode(Identify.encode(message as Identify)).subarray()
      const reading = readIdentify(inb, limits)
      for (let i = 0; i < bytes.byteLength; i += chunkSize) { out.send(bytes.subarray(i, i + chunkSize)) }
      await out.closeWrite()
      const read = await reading
      expect(read).to.deep.equal(Identify.decode(Identify.encode(message as Identify)))
    }), { numRuns: 100 })
  })

  it('gives only typed errors for arbitrary bytes (fuzz)', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), async (bytes) => {
      const [out, inb] = messageStreamPair()
      out.send(new Uint8ArrayList(bytes))
      await out.closeWrite()
      const outcome = await readIdentify(inb, { maxMessageSize: 128, maxMessages: 4 }).then(() => 'read', (err: any) => err.name)
      expect(['read', 'InvalidMessageError', 'MessageTooLargeError']).to.include(outcome)
    }), { numRuns: 300 })
  })
})
