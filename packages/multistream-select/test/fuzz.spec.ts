import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { handle, select } from '../src/index.js'
import { encodeList, encodeMessage } from '../src/messages.js'
import { WIRE_ERRORS, concatBytes, text } from './fixtures.js'

/** a generous bound: every run ends long before it, a run that reaches it has hung */
const RUN_TIMEOUT_MS = 5_000

/** pieces of a conversation: well-formed messages, near misses and noise, in any order */
const piece = fc.oneof(
  fc.constantFrom(
    encodeMessage('/multistream/1.0.0'), encodeMessage('/a'), encodeMessage('/b'), encodeMessage('na'),
    encodeMessage('ls'), encodeList(['/a', '/b']), Uint8Array.of(0x00), Uint8Array.of(0x80), Uint8Array.of(0x0a)
  ),
  fc.string({ maxLength: 12 }).map(s => encodeMessage(s)),
  fc.uint8Array({ maxLength: 24 })
)
/** most runs start with a valid header, to get past it to the deeper states */
const input = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.array(piece, { maxLength: 8 }))
  .map(([n, parts]) => concatBytes(...(n > 0 ? [encodeMessage('/multistream/1.0.0')] : []), ...parts))
/** where to cut the input into separately delivered chunks */
const cuts = fc.array(fc.nat(), { maxLength: 4 })

function chunks (bytes: Uint8Array, at: number[]): Uint8Array[] {
  const points = [...new Set(at.map(n => bytes.byteLength === 0 ? 0 : n % bytes.byteLength))].sort((x, y) => x - y)
  const out: Uint8Array[] = []
  let start = 0
  for (const point of [...points, bytes.byteLength]) {
    if (point > start) { out.push(bytes.subarray(start, point)) }
    start = point
  }
  return out
}

function expectWireError (err: any, allowed = WIRE_ERRORS): void {
  expect(allowed, `${err?.name}: ${err?.message}`).to.include(err?.name)
}

describe('fuzz: random input gives typed errors and never hangs', () => {
  it('handle()', async () => {
    await fc.assert(fc.asyncProperty(input, cuts, async (bytes, at) => {
      const [remote, local] = messageStreamPair()
      const handling = handle(local, ['/a', '/b'], { signal: AbortSignal.timeout(RUN_TIMEOUT_MS), maxAttempts: 4, maxDataLength: 64 })
      for (const chunk of chunks(bytes, at)) {
        if (remote.status !== 'open') { break }
        remote.send(chunk)
        await Promise.resolve()
      }
      await remote.closeWrite().catch(() => {})
      try {
        const stream = await handling
        expect(['/a', '/b']).to.include(stream.protocol)
      } catch (err: any) {
        expectWireError(err, [...WIRE_ERRORS, 'LimitExceededError'])
        expect(local.status).to.equal('aborted')
      }
    }), { numRuns: 300 })
  })

  it('select() with several protocols', async () => {
    await fc.assert(fc.asyncProperty(input, cuts, async (bytes, at) => {
      const [local, remote] = messageStreamPair()
      const selecting = select(local, ['/a', '/b'], { signal: AbortSignal.timeout(RUN_TIMEOUT_MS), maxDataLength: 64 })
      for (const chunk of chunks(bytes, at)) {
        if (remote.status !== 'open') { break }
        remote.send(chunk)
        await Promise.resolve()
      }
      await remote.closeWrite().catch(() => {})
      try {
        const stream = await selecting
        expect(['/a', '/b']).to.include(stream.protocol)
      } catch (err: any) {
        expectWireError(err)
        expect(local.status).to.equal('aborted')
      }
    }), { numRuns: 300 })
  })

  it('select() with one protocol (optimistic): reads and close report typed errors', async () => {
    await fc.assert(fc.asyncProperty(input, cuts, async (bytes, at) => {
      const [local, remote] = messageStreamPair()
      const stream = await select(local, '/a', { signal: AbortSignal.timeout(RUN_TIMEOUT_MS), maxDataLength: 64 })
      stream.send(text('request'))
      for (const chunk of chunks(bytes, at)) {
        if (remote.status !== 'open') { break }
        remote.send(chunk)
        await Promise.resolve()
      }
      await remote.closeWrite().catch(() => {})
      try {
        const received = new Uint8ArrayList()
        for await (const chunk of stream) { received.append(chunk) }
        await stream.close()
        expect(stream.status).to.equal('closed')
      } catch (err: any) {
        expectWireError(err)
        expect(stream.status).to.equal('aborted')
      }
    }), { numRuns: 300 })
  })
})

describe('fuzz: chunk boundaries never lose or reorder bytes', () => {
  async function deliver (to: { send(data: Uint8Array): boolean, closeWrite(): Promise<void> }, bytes: Uint8Array, at: number[]): Promise<void> {
    for (const chunk of chunks(bytes, at)) {
      to.send(chunk)
      await Promise.resolve()
    }
    await to.closeWrite()
  }

  async function readAll (stream: AsyncIterable<Uint8ArrayList>): Promise<Uint8Array> {
    const all = new Uint8ArrayList()
    for await (const chunk of stream) { all.append(chunk) }
    return all.subarray()
  }

  it('handle() leaves the application everything after the accepted proposal', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), cuts, fc.boolean(), async (data, at, refuseFirst) => {
      const [remote, local] = messageStreamPair()
      const wire = concatBytes(
        encodeMessage('/multistream/1.0.0'),
        ...(refuseFirst ? [encodeMessage('/x')] : []),
        encodeMessage('/a'),
        data
      )
      const [stream] = await Promise.all([handle(local, ['/a']), deliver(remote, wire, at)])
      expect(stream.protocol).to.equal('/a')
      expect(await readAll(stream)).to.deep.equal(data)
    }), { numRuns: 200 })
  })

  it('select() leaves the application everything after the confirmation', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), cuts, fc.boolean(), async (data, at, refuseFirst) => {
      const [local, remote] = messageStreamPair()
      const wire = concatBytes(
        encodeMessage('/multistream/1.0.0'),
        ...(refuseFirst ? [encodeMessage('na')] : []),
        encodeMessage('/a'),
        data
      )
      // one protocol: optimistic; two: a full negotiation in which "/x" is refused
      const [stream] = await Promise.all([select(local, refuseFirst ? ['/x', '/a'] : '/a'), deliver(remote, wire, at)])
      expect(stream.protocol).to.equal('/a')
      expect(await readAll(stream)).to.deep.equal(data)
    }), { numRuns: 200 })
  })
})
