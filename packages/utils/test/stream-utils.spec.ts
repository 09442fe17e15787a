import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { byteStream, decodeVarintLength, echo, lpStream, pbStream } from '../src/index.js'
import { messageStreamPair } from '../src/stream-pair.js'
import { encodeVarint } from '../src/varint.js'
import type { MessageStream } from '@libp2p/interface'

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b)
const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const str = (b: Uint8Array | Uint8ArrayList): string => new TextDecoder().decode(b.subarray())

/** the settled state of a promise, without waiting for it */
async function settled (p: Promise<unknown>): Promise<boolean> {
  let done = false
  p.then(() => { done = true }, () => { done = true })
  // two turns of the microtask queue are enough for an already-settled promise to report
  await Promise.resolve()
  await Promise.resolve()
  return done
}

/** send every byte of `data` as a chunk of its own */
function sendByteByByte (stream: MessageStream, data: Uint8Array | Uint8ArrayList): void {
  for (const byte of data.subarray()) { stream.send(Uint8Array.of(byte)) }
}

/** a tiny protobuf-like codec: one varint field; decode records the options it was given */
const NumberCodec = {
  lastOptions: undefined as unknown,
  encode: (m: { n: number }): Uint8Array => encodeVarint(m.n),
  decode: (buf: Uint8Array | Uint8ArrayList, opts?: unknown): { n: number } => {
    NumberCodec.lastOptions = opts
    const b = buf.subarray()
    if (b.byteLength !== 1) { throw new RangeError(`bad message of ${b.byteLength} bytes`) }
    return { n: b[0] }
  }
}

describe('byteStream', () => {
  it('read() returns what arrived, then null at EOF', async () => {
    const [a, b] = messageStreamPair()
    const bs = byteStream(b)
    a.send(bytes(1, 2, 3))
    expect((await bs.read())?.subarray()).to.deep.equal(bytes(1, 2, 3))
    a.send(bytes(4))
    await a.closeWrite()
    expect((await bs.read())?.subarray()).to.deep.equal(bytes(4))
    expect(await bs.read()).to.equal(null)
    expect(await bs.read()).to.equal(null)
  })

  it('read({ bytes }) waits for exactly that many bytes across chunks; read() then returns the rest', async () => {
    const [a, b] = messageStreamPair()
    const bs = byteStream(b)
    const pending = bs.read({ bytes: 4 })
    a.send(bytes(1, 2))
    expect(await settled(pending)).to.equal(false)
    a.send(bytes(3, 4, 5, 6))
    expect((await pending).subarray()).to.deep.equal(bytes(1, 2, 3, 4))
    expect((await bs.read({ bytes: 0 })).byteLength).to.equal(0)
    expect((await bs.read())?.subarray()).to.deep.equal(bytes(5, 6))
  })

  it('read({ bytes }) fails with UnexpectedEOFError when the stream ends first, also when it is already over', async () => {
    const [a, b] = messageStreamPair()
    const bs = byteStream(b)
    a.send(bytes(1, 2))
    await a.closeWrite()
    await expect(bs.read({ bytes: 3 })).to.eventually.be.rejected.with.property('name', 'UnexpectedEOFError')
    // the two bytes were not lost: the ended stream still gives them
    expect((await bs.read({ bytes: 2 })).subarray()).to.deep.equal(bytes(1, 2))
    await expect(bs.read({ bytes: 1 })).to.eventually.be.rejected.with.property('name', 'UnexpectedEOFError')
    expect(await bs.read()).to.equal(null)
  })

  it('an aborted read loses nothing: bytes collected before and after the abort reach the next read', async () => {
    const [a, b] = messageStreamPair()
    const bs = byteStream(b)
    const controller = new AbortController()
    const pending = bs.read({ bytes: 4, signal: controller.signal })
    a.send(bytes(1, 2))
    await Promise.resolve()
    controller.abort()
    await expect(pending).to.eventually.be.rejected.with.property('name', 'AbortError')
    a.send(bytes(3, 4))
    expect((await bs.read({ bytes: 4 })).subarray()).to.deep.equal(bytes(1, 2, 3, 4))
    // an already-aborted signal fails at once when the bytes are not there
    await expect(bs.read({ signal: AbortSignal.abort() })).to.eventually.be.rejected.with.property('name', 'AbortError')
  })

  it('write() waits for the stream to drain when it asks to, and honours its signal', async () => {
    const [a, b] = messageStreamPair({ writeHighWaterMark: 8, writeLowWaterMark: 4, readHighWaterMark: 8 })
    const bs = byteStream(a)
    // the reader does not read: once its buffer passes readHighWaterMark the transport is paused
    // and the writer's buffer fills up, so a write stays pending
    let sent = 0
    let writing: Promise<void> | undefined
    for (let i = 0; i < 4 && writing === undefined; i++) {
      const write = bs.write(new Uint8Array(64))
      sent += 64
      if (!await settled(write)) { writing = write }
    }
    if (writing === undefined) { throw new Error('no write waited for a drain') }
    const controller = new AbortController()
    const aborted = bs.write(new Uint8Array(1), { signal: controller.signal })
    sent += 1
    controller.abort()
    await expect(aborted).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect(await settled(writing)).to.equal(false)
    let received = 0
    while (received < sent) {
      received += (await b.read())?.byteLength ?? 0
    }
    await writing
    expect(received).to.equal(sent)
  })

  it('unwrap() returns the stream with the bytes read past the last read put back; the helper is done afterwards', async () => {
    const [a, b] = messageStreamPair()
    const bs = byteStream(b)
    a.send(bytes(1, 2, 3, 4))
    expect((await bs.read({ bytes: 1 })).subarray()).to.deep.equal(bytes(1))
    const stream = bs.unwrap()
    expect(stream).to.equal(b)
    expect(bs.unwrap()).to.equal(b)
    expect((await stream.read())?.subarray()).to.deep.equal(bytes(2, 3, 4))
    await expect(bs.read()).to.eventually.be.rejected.with.property('name', 'UnwrappedError')
    await expect(bs.read({ bytes: 1 })).to.eventually.be.rejected.with.property('name', 'UnwrappedError')
    await expect(bs.write(bytes(1))).to.eventually.be.rejected.with.property('name', 'UnwrappedError')
  })

  it('unwrap() during a pending read hands what arrives to the stream\'s next reader', async () => {
    const [a, b] = messageStreamPair()
    const bs = byteStream(b)
    a.send(bytes(1))
    const pending = bs.read({ bytes: 3 })
    await Promise.resolve()
    const stream = bs.unwrap()
    a.send(bytes(2))
    await expect(pending).to.eventually.be.rejected.with.property('name', 'UnwrappedError')
    const got = new Uint8ArrayList()
    while (got.byteLength < 2) { got.append((await stream.read()) ?? new Uint8Array(0)) }
    expect(got.subarray()).to.deep.equal(bytes(1, 2))
  })

  it('a read larger than maxBufferSize fails with StreamBufferError and aborts the stream', async () => {
    const [, b] = messageStreamPair()
    const bs = byteStream(b, { maxBufferSize: 16 })
    await expect(bs.read({ bytes: 17 })).to.eventually.be.rejected.with.property('name', 'StreamBufferError')
    expect(b.status).to.equal('aborted')
  })

  it('passes on the stream\'s error when the remote resets it', async () => {
    const [a, b] = messageStreamPair()
    const bs = byteStream(b)
    const pending = bs.read({ bytes: 1 })
    a.abort(new Error('gone'))
    await expect(pending).to.eventually.be.rejected.with.property('name', 'StreamResetError')
  })

  it('refuses something that is not a stream with InvalidParametersError', () => {
    expect(() => byteStream({} as any)).to.throw().with.property('name', 'InvalidParametersError')
  })
})

describe('lpStream', () => {
  it('writes and reads messages, including empty ones, split into one-byte chunks', async () => {
    const [a, b] = messageStreamPair()
    const messages = [text('hello'), new Uint8Array(0), new Uint8Array(300).fill(7)]
    const wire = new Uint8ArrayList()
    for (const m of messages) { wire.append(encodeVarint(m.byteLength), m) }
    sendByteByByte(a, wire)
    const lp = lpStream(b)
    for (const m of messages) {
      expect((await lp.read()).subarray()).to.deep.equal(m)
    }
  })

  it('write() prefixes with a varint; writeV() sends several messages in one send', async () => {
    const [a, b] = messageStreamPair()
    const out = lpStream(a)
    await out.write(text('one'))
    await out.writeV([text('two'), new Uint8ArrayList(text('thr'), text('ee'))])
    await a.closeWrite()
    const all = new Uint8ArrayList()
    for await (const chunk of b) { all.append(chunk) }
    expect(all.subarray()).to.deep.equal(Uint8Array.from([3, ...text('one'), 3, ...text('two'), 5, ...text('three')]))
  })

  it('enforces maxDataLength with InvalidDataLengthError, and accepts a message of exactly that length', async () => {
    const [a, b] = messageStreamPair()
    const lp = lpStream(b, { maxDataLength: 200 })
    await lpStream(a).writeV([new Uint8Array(200), new Uint8Array(201)])
    expect((await lp.read()).byteLength).to.equal(200)
    await expect(lp.read()).to.eventually.be.rejected.with.property('name', 'InvalidDataLengthError')
  })

  it('enforces maxLengthLength with InvalidDataLengthLengthError (by default the varint length of maxDataLength)', async () => {
    const [a, b] = messageStreamPair()
    a.send(encodeVarint(128)) // two bytes, while maxDataLength 100 allows one
    await expect(lpStream(b, { maxDataLength: 100 }).read()).to.eventually.be.rejected.with.property('name', 'InvalidDataLengthLengthError')
    const [c, d] = messageStreamPair()
    c.send(encodeVarint(2 ** 21)) // four bytes
    await expect(lpStream(d, { maxLengthLength: 3 }).read()).to.eventually.be.rejected.with.property('name', 'InvalidDataLengthLengthError')
    const [e, f] = messageStreamPair()
    e.send(new Uint8Array(9).fill(0xff)) // a varint that never ends
    await expect(lpStream(f).read()).to.eventually.be.rejected.with.property('name', 'InvalidDataLengthLengthError')
  })

  it('without maxDataLength a message is bounded by maxBufferSize (StreamBufferError)', async () => {
    const [a, b] = messageStreamPair()
    a.send(encodeVarint(17))
    await expect(lpStream(b, { maxBufferSize: 16 }).read()).to.eventually.be.rejected.with.property('name', 'StreamBufferError')
  })

  for (const [what, wire] of [
    ['before a message', new Uint8Array(0)],
    ['inside the length prefix', bytes(0x80)],
    ['inside the data', bytes(5, 1, 2)]
  ] as const) {
    it(`fails with UnexpectedEOFError when the stream ends ${what}`, async () => {
      const [a, b] = messageStreamPair()
      a.send(wire)
      await a.closeWrite()
      await expect(lpStream(b).read()).to.eventually.be.rejected.with.property('name', 'UnexpectedEOFError')
    })
  }

  it('takes a custom length encoder and decoder; a negative length is InvalidMessageLengthError', async () => {
    const encoder = (n: number): Uint8Array => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b }
    const decoder = (data: Uint8ArrayList): number => {
      if (data.byteLength < 4) { throw new RangeError('need 4 bytes') }
      return data.getInt32(0)
    }
    const [a, b] = messageStreamPair()
    await lpStream(a, { lengthEncoder: encoder }).write(text('fixed'))
    expect(Array.from((await b.read())?.subarray().subarray(0, 4) ?? [])).to.deep.equal([0, 0, 0, 5])
    const [c, d] = messageStreamPair()
    await lpStream(c, { lengthEncoder: encoder }).writeV([text('fixed'), text('width')])
    const lp = lpStream(d, { lengthDecoder: decoder })
    expect(str(await lp.read())).to.equal('fixed')
    expect(str(await lp.read())).to.equal('width')
    c.send(bytes(0xff, 0xff, 0xff, 0xff))
    await expect(lp.read()).to.eventually.be.rejected.with.property('name', 'InvalidMessageLengthError')
  })

  it('an aborted read keeps the framing: the next read returns the whole message', async () => {
    const [a, b] = messageStreamPair()
    const lp = lpStream(b)
    const controller = new AbortController()
    const pending = lp.read({ signal: controller.signal })
    a.send(bytes(4, 1, 2)) // prefix and half the data
    await Promise.resolve()
    controller.abort()
    await expect(pending).to.eventually.be.rejected.with.property('name', 'AbortError')
    a.send(bytes(3, 4))
    expect((await lp.read()).subarray()).to.deep.equal(bytes(1, 2, 3, 4))
  })

  it('unwrap() gives the stream back with the bytes after the last message', async () => {
    const [a, b] = messageStreamPair()
    a.send(Uint8Array.from([2, 1, 2, ...text('rest')]))
    const lp = lpStream(b)
    expect((await lp.read()).subarray()).to.deep.equal(bytes(1, 2))
    const stream = lp.unwrap()
    expect(str((await stream.read()) ?? new Uint8Array(0))).to.equal('rest')
    await expect(lp.read()).to.eventually.be.rejected.with.property('name', 'UnwrappedError')
  })

  it('returns every message whatever the chunking (property)', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 16 }),
      async (messages, cuts) => {
        const wire = new Uint8ArrayList()
        for (const m of messages) { wire.append(encodeVarint(m.byteLength), m) }
        const [a, b] = messageStreamPair()
        for (let at = 0, i = 0; at < wire.byteLength; i++) {
          const size = cuts[i % cuts.length]
          a.send(wire.subarray(at, Math.min(at + size, wire.byteLength)))
          at += size
        }
        await a.closeWrite()
        const lp = lpStream(b)
        for (const m of messages) {
          expect((await lp.read()).subarray()).to.deep.equal(m)
        }
        await expect(lp.read()).to.eventually.be.rejected.with.property('name', 'UnexpectedEOFError')
      }), { numRuns: 150 })
  })

  it('the default length decoder reads every varint back and asks for more bytes (RangeError) while one is cut short', () => {
    fc.assert(fc.property(fc.maxSafeNat(), fc.uint8Array({ maxLength: 4 }), (n, after) => {
      const prefix = encodeVarint(n)
      expect(decodeVarintLength(new Uint8ArrayList(prefix, after))).to.equal(n)
      for (let cut = 0; cut < prefix.byteLength; cut++) {
        expect(() => decodeVarintLength(new Uint8ArrayList(prefix.subarray(0, cut)))).to.throw(RangeError)
      }
    }), { numRuns: 500 })
  })

  it('the length decoder only ever fails with typed errors, and never returns more than maxDataLength (fuzz)', async () => {
    const typed = ['UnexpectedEOFError', 'InvalidDataLengthError', 'InvalidDataLengthLengthError', 'InvalidMessageError']
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 96 }), fc.integer({ min: 0, max: 100_000 }), async (input, maxDataLength) => {
      const [a, b] = messageStreamPair()
      a.send(input)
      await a.closeWrite()
      const lp = lpStream(b, { maxDataLength })
      while (true) {
        try {
          expect((await lp.read()).byteLength).to.be.at.most(maxDataLength)
        } catch (err: any) {
          expect(typed).to.include(err.name)
          return
        }
      }
    }), { numRuns: 300 })
  })
})

describe('pbStream', () => {
  it('writes and reads messages, passing decode options to the decoder', async () => {
    const [a, b] = messageStreamPair()
    await pbStream(a).write({ n: 7 }, NumberCodec)
    await pbStream(a).writeV([{ n: 8 }, { n: 9 }], NumberCodec)
    const pb = pbStream(b)
    const limits = { limits: {} }
    expect(await pb.read(NumberCodec, limits)).to.deep.equal({ n: 7 })
    expect(NumberCodec.lastOptions).to.include(limits)
    expect(await pb.read(NumberCodec)).to.deep.equal({ n: 8 })
    expect(await pb.read(NumberCodec)).to.deep.equal({ n: 9 })
  })

  it('pb(codec) reads and writes one message type; its unwrap() returns the protobuf stream', async () => {
    const [a, b] = messageStreamPair()
    const out = pbStream(a).pb(NumberCodec)
    await out.write({ n: 1 })
    await out.writeV([{ n: 2 }, { n: 3 }])
    const pbIn = pbStream(b)
    const typed = pbIn.pb(NumberCodec)
    expect([await typed.read(), await typed.read(), await typed.read()]).to.deep.equal([{ n: 1 }, { n: 2 }, { n: 3 }])
    expect(typed.unwrap()).to.equal(pbIn)
    expect(pbIn.unwrap()).to.equal(b)
  })

  it('a decoder\'s error reaches the caller as it is; limits and EOF have lpStream\'s names', async () => {
    const [a, b] = messageStreamPair()
    a.send(bytes(2, 1, 2))
    const pb = pbStream(b, { maxDataLength: 4 })
    await expect(pb.read(NumberCodec)).to.eventually.be.rejected.with.property('name', 'RangeError')
    a.send(bytes(5))
    await expect(pb.read(NumberCodec)).to.eventually.be.rejected.with.property('name', 'InvalidDataLengthError')
    const [c, d] = messageStreamPair()
    await c.closeWrite()
    await expect(pbStream(d).read(NumberCodec)).to.eventually.be.rejected.with.property('name', 'UnexpectedEOFError')
  })
})

describe('echo', () => {
  it('sends back everything, with back-pressure, then closes', async () => {
    const [a, b] = messageStreamPair({ writeHighWaterMark: 64, writeLowWaterMark: 16, readHighWaterMark: 64 })
    const serving = echo(b)
    const data = new Uint8Array(10_000).map((_, i) => i & 0xff)
    const bs = byteStream(a)
    const writing = (async () => {
      await bs.write(data)
      await a.closeWrite()
    })()
    const back = await bs.read({ bytes: data.byteLength })
    await writing
    expect(back.subarray()).to.deep.equal(data)
    expect(await bs.read()).to.equal(null)
    await serving
    expect(b.writeStatus).to.equal('closed')
  })

  it('aborts the stream when its signal aborts', async () => {
    const [, b] = messageStreamPair()
    const controller = new AbortController()
    const serving = echo(b, { signal: controller.signal })
    controller.abort()
    await serving
    expect(b.status).to.equal('aborted')
  })
})

describe('request/response over a messageStreamPair', () => {
  /** js-libp2p 3 style: the client writes, close()s (stops sending, reading goes on), reads the reply */
  async function roundTrip (request: string): Promise<string> {
    const [client, server] = messageStreamPair()
    const serving = (async () => {
      const lp = lpStream(server)
      const req = await lp.read({ signal: AbortSignal.timeout(5_000) })
      await lp.write(text(`reply to ${str(req)}`))
      await lp.unwrap().close()
    })()
    const lp = lpStream(client)
    await lp.write(text(request))
    const stream = lp.unwrap()
    await stream.close()
    const reply = await lpStream(stream).read({ signal: AbortSignal.timeout(5_000) })
    expect(await stream.read()).to.equal(null)
    await serving
    return str(reply)
  }

  it('answers one request', async () => {
    expect(await roundTrip('hello')).to.equal('reply to hello')
  })

  it('answers with pbStream', async () => {
    const [client, server] = messageStreamPair()
    const serving = (async () => {
      const pb = pbStream(server).pb(NumberCodec)
      const { n } = await pb.read()
      await pb.write({ n: n + 1 })
      await pb.unwrap().unwrap().close()
    })()
    const pb = pbStream(client)
    await pb.write({ n: 41 }, NumberCodec)
    const stream = pb.unwrap()
    await stream.close()
    expect(await pbStream(stream).read(NumberCodec, { signal: AbortSignal.timeout(5_000) })).to.deep.equal({ n: 42 })
    await serving
  })
})
