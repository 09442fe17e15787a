import { lpStream } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { FILE_PROTOCOL, MAX_FILE_BYTES } from '../src/constants.js'
import { cleanFileName, encodeHeader, sha256Hex } from '../src/file-protocol.js'
import { FileTransfers } from '../src/file-transfer.js'
import { memoryPair } from './fixtures/memory-pair.js'
import type { Transfer } from '../src/file-transfer.js'
import type { MemoryPair } from './fixtures/memory-pair.js'

const ENDED = new Set(['verified', 'failed', 'cancelled'])

function randomBytes (n: number): Uint8Array {
  const data = new Uint8Array(n)
  for (let i = 0; i < n; i += 65_536) { crypto.getRandomValues(data.subarray(i, Math.min(i + 65_536, n))) }
  return data
}

/** resolves with the first transfer of `files` matching `match` once it ended */
async function settled (files: FileTransfers, match: (t: Transfer) => boolean): Promise<Transfer> {
  const done = files.list().find(t => match(t) && ENDED.has(t.state))
  if (done != null) { return done }
  return new Promise(resolve => {
    const check = (evt: CustomEvent<Transfer>): void => {
      if (match(evt.detail) && ENDED.has(evt.detail.state)) {
        files.removeEventListener('change', check)
        resolve(evt.detail)
      }
    }
    files.addEventListener('change', check)
  })
}

const incoming = (t: Transfer): boolean => t.direction === 'incoming'

describe('/rendezvous/file/1.0.0', () => {
  let pair: MemoryPair
  let filesA: FileTransfers
  let filesB: FileTransfers

  beforeEach(async () => {
    pair = await memoryPair()
    filesA = new FileTransfers(pair.a)
    filesB = new FileTransfers(pair.b)
    await filesA.start()
    await filesB.start()
  })

  afterEach(async () => {
    await filesA.stop()
    await filesB.stop()
    await pair.stop()
  })

  it('sends two files at once; the receiver checks each SHA-256 and both sides report progress', async () => {
    const one = randomBytes(3 * 1024 * 1024 + 17)
    const two = randomBytes(100_000)
    const progress: number[] = []
    filesB.addEventListener('change', (evt) => { if (evt.detail.name === 'one.bin') { progress.push(evt.detail.bytes) } })
    const sentOne = filesA.send(pair.connection, 'one.bin', one)
    const sentTwo = filesA.send(pair.connection, 'dir/../two.bin', two)
    const [gotOne, gotTwo, doneOne, doneTwo] = await Promise.all([
      settled(filesB, t => incoming(t) && t.name === 'one.bin'),
      settled(filesB, t => incoming(t) && t.name === 'two.bin'),
      settled(filesA, t => t.id === sentOne.id),
      settled(filesA, t => t.id === sentTwo.id)
    ])
    expect(gotOne).to.include({ state: 'verified', size: one.byteLength, bytes: one.byteLength, sha256: await sha256Hex(one) })
    expect(gotTwo).to.include({ state: 'verified', size: two.byteLength, sha256: await sha256Hex(two) })
    expect(new Uint8Array(await gotOne.blob!.arrayBuffer())).to.deep.equal(one)
    expect(doneOne).to.include({ state: 'verified', bytes: one.byteLength })
    expect(doneTwo).to.include({ state: 'verified' })
    expect(progress.length).to.be.greaterThan(2)
    expect(progress).to.deep.equal([...progress].sort((x, y) => x - y))
  })

  it('cancelled by the sender half way: both sides say so, and the next file goes through', async () => {
    const data = randomBytes(16 * 1024 * 1024)
    filesB.addEventListener('change', (evt) => { if (evt.detail.bytes > 0 && evt.detail.state === 'receiving') { filesA.cancel(sent.id) } })
    const sent = filesA.send(pair.connection, 'big.bin', data)
    const [mine, theirs] = await Promise.all([settled(filesA, t => t.id === sent.id), settled(filesB, incoming)])
    expect(mine).to.include({ state: 'cancelled', error: 'cancelled here' })
    expect(theirs.state).to.equal('cancelled')
    expect(theirs.bytes).to.be.lessThan(data.byteLength)

    const next = filesA.send(pair.connection, 'next.bin', randomBytes(1000))
    expect((await settled(filesA, t => t.id === next.id)).state).to.equal('verified')
  })

  it('cancelled by the receiver half way: the sender says so', async () => {
    const data = randomBytes(16 * 1024 * 1024)
    filesB.addEventListener('change', (evt) => { if (evt.detail.bytes > 0 && evt.detail.state === 'receiving') { filesB.cancel(evt.detail.id) } })
    const sent = filesA.send(pair.connection, 'big.bin', data)
    const [mine, theirs] = await Promise.all([settled(filesA, t => t.id === sent.id), settled(filesB, incoming)])
    expect(theirs).to.include({ state: 'cancelled', error: 'cancelled here' })
    expect(mine.state).to.equal('cancelled')
  })

  describe('a sender that breaks the protocol', () => {
    /** opens a raw file stream from a to b, sends `header` (bytes) and `body`, closes; → b's transfer once it ended */
    async function rawSend (header: Uint8Array, body: Uint8Array): Promise<Transfer> {
      const before = new Set(filesB.list().map(t => t.id))
      const stream = await pair.connection.newStream(FILE_PROTOCOL)
      const lp = lpStream(stream)
      await lp.write(header)
      const raw = lp.unwrap()
      if (body.byteLength > 0 && !raw.send(body)) { await raw.onDrain() }
      // the receiver may reset the stream before the close is through
      await raw.close().catch(() => {})
      return settled(filesB, t => incoming(t) && !before.has(t.id))
    }

    it('a wrong SHA-256: the receiver fails it and keeps no file', async () => {
      const body = randomBytes(1000)
      const t = await rawSend(encodeHeader({ name: 'x', size: body.byteLength, sha256: '0'.repeat(64) }), body)
      expect(t.state).to.equal('failed')
      expect(t.error).to.match(/TransferFailedError/)
      expect(t.blob).to.equal(undefined)
    })

    it('more bytes than announced', async () => {
      const body = randomBytes(1000)
      const t = await rawSend(encodeHeader({ name: 'x', size: 10, sha256: await sha256Hex(body) }), body)
      expect(t).to.include({ state: 'failed' })
      expect(t.error).to.match(/ProtocolError/)
    })

    it('an early end', async () => {
      const body = randomBytes(1000)
      const t = await rawSend(encodeHeader({ name: 'x', size: 5000, sha256: await sha256Hex(body) }), body)
      expect(t.error).to.match(/ProtocolError: the file ended after 1000 of 5000 bytes/)
    })

    it('a file over the limit, or a header that is not JSON', async () => {
      const big = await rawSend(encodeHeader({ name: 'x', size: MAX_FILE_BYTES + 1, sha256: '0'.repeat(64) }), new Uint8Array())
      expect(big.error).to.match(/MessageTooLargeError/)
      const garbage = await rawSend(Uint8Array.from([0x7b, 0xff, 0x00]), new Uint8Array())
      expect(garbage.error).to.match(/InvalidMessageError/)
    })
  })

  it('keeps only the last path segment of a name, without control characters', () => {
    expect(cleanFileName('../../etc/passwd')).to.equal('passwd')
    expect(cleanFileName('a\\b\u0000c.txt')).to.equal('bc.txt')
    expect(cleanFileName('..')).to.equal('file')
    expect(cleanFileName('x'.repeat(1000))).to.have.length(255)
  })
})
