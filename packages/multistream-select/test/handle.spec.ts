import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { handle } from '../src/index.js'
import { HEADER, LS, NA, concatBytes, hex, text, toHex } from './fixtures.js'
import type { PairedMessageStream } from '@libp2p/utils'

/** run a listener for ['/a', '/b'] against raw dialer bytes followed by EOF */
async function listenTo (input: Uint8Array, options = {}): Promise<{ err: any, dialer: PairedMessageStream, listener: PairedMessageStream }> {
  const [dialer, listener] = messageStreamPair()
  dialer.send(input)
  await dialer.closeWrite()
  const err = await handle(listener, ['/a', '/b'], options).then(() => undefined, (err) => err)
  return { err, dialer, listener }
}

describe('handle (listener)', () => {
  it('resolves with the same stream, protocol set, and the dialer\'s early data still readable', async () => {
    const [dialer, listener] = messageStreamPair()
    // an optimistic dialer: header, proposal and its first data in one chunk
    dialer.send(concatBytes(hex(`${HEADER} 03 2f62 0a`), text('early data')))
    const stream = await handle(listener, ['/a', '/b'])
    expect(stream).to.equal(listener)
    expect(stream.protocol).to.equal('/b')
    expect(toHex(await stream.read())).to.equal(toHex(text('early data')))
    expect(toHex(await dialer.read())).to.equal(toHex(hex(`${HEADER} 03 2f62 0a`)))
  })

  it('accepts a single protocol given as a string', async () => {
    const [dialer, listener] = messageStreamPair()
    dialer.send(hex(`${HEADER} 03 2f61 0a`))
    expect((await handle(listener, '/a')).protocol).to.equal('/a')
  })

  it('sends its header once the dialer\'s arrives, without waiting for the proposal', async () => {
    const [dialer, listener] = messageStreamPair()
    const handling = handle(listener, ['/a'])
    dialer.send(hex(HEADER))
    expect(toHex(await dialer.read())).to.equal(toHex(hex(HEADER)))
    dialer.send(hex('03 2f61 0a'))
    expect(toHex(await dialer.read())).to.equal(toHex(hex('03 2f61 0a')))
    expect((await handling).protocol).to.equal('/a')
  })

  it('answers up to maxAttempts proposals and ls requests, then gives up with LimitExceededError', async () => {
    const [dialer, listener] = messageStreamPair()
    const handling = handle(listener, ['/a'], { maxAttempts: 2 })
    dialer.send(hex(`${HEADER} 03 2f78 0a ${LS}`)) // /x, ls
    expect(toHex(await dialer.read())).to.equal(toHex(hex(`${HEADER} ${NA} 05 03 2f61 0a 0a`)))
    dialer.send(hex('03 2f79 0a')) // /y: one too many
    const err = await handling.then(() => undefined, (err) => err)
    expect(err).to.have.property('name', 'LimitExceededError')
    expect(err).to.have.property('limit', 'maxAttempts')
    expect(listener.status).to.equal('aborted')
    expect(dialer.status).to.equal('reset')
  })

  it('reports UnsupportedProtocolError when the dialer gives up after refusals', async () => {
    const { err, dialer } = await listenTo(hex(`${HEADER} 03 2f78 0a 03 2f79 0a`))
    expect(err).to.have.property('name', 'UnsupportedProtocolError')
    expect(err.message).to.include('"/x"').and.include('"/y"')
    expect(dialer.status).to.equal('reset')
  })

  it('fails with a typed error on bad input, and aborts the stream', async () => {
    const cases: Array<[string, string]> = [
      ['', 'ProtocolError'], // EOF before anything
      ['13 2f6d756c746973747265616d2f322e302e30 0a', 'ProtocolError'], // /multistream/2.0.0
      ['03 6e610a', 'ProtocolError'], // "na" instead of the header
      ['13 2f6d756c746973747265616d2f312e302e30', 'InvalidMessageError'], // EOF mid-message
      ['03 2f6162', 'InvalidMessageError'], // no trailing newline
      ['00', 'InvalidMessageError'], // empty message
      ['ffffffffffffffffff', 'InvalidMessageError'], // varint too long
      ['8000', 'InvalidMessageError'], // varint not minimal
      ['8108', 'MessageTooLargeError'], // 1025 > 1024, refused before the body
      [`${HEADER} 04 2fc3 280a`, 'InvalidMessageError'] // invalid UTF-8 in a proposal
    ]
    for (const [input, name] of cases) {
      const { err, listener } = await listenTo(hex(input))
      expect(err, input).to.have.property('name', name)
      expect(listener.status, input).to.equal('aborted')
    }
  })

  it('honours maxDataLength', async () => {
    const { err } = await listenTo(hex(HEADER), { maxDataLength: 18 })
    expect(err).to.have.property('name', 'MessageTooLargeError')
    expect(err.message).to.include('maxDataLength=18')
  })

  it('answers na to a proposal with a byte order mark rather than matching it', async () => {
    const [dialer, listener] = messageStreamPair()
    const answers = dialer.read()
    dialer.send(hex(`${HEADER} 06 efbbbf 2f61 0a 03 2f61 0a`)) // "\uFEFF/a", then "/a"
    expect((await handle(listener, ['/a'])).protocol).to.equal('/a')
    expect(toHex(await answers)).to.equal(toHex(hex(`${HEADER} ${NA} 03 2f61 0a`)))
  })

  it('ends a slowloris dialer with the caller\'s signal', async () => {
    const [dialer, listener] = messageStreamPair()
    dialer.send(hex('13 2f6d75')) // a header that never completes
    const err = await handle(listener, ['/a'], { signal: AbortSignal.timeout(50) }).then(() => undefined, (err) => err)
    expect(err).to.have.property('name', 'TimeoutError')
    expect(listener.status).to.equal('aborted')
    expect(dialer.status).to.equal('reset')
  })

  it('is ended by an already aborted signal', async () => {
    const [, listener] = messageStreamPair()
    await expect(handle(listener, ['/a'], { signal: AbortSignal.abort() })).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect(listener.status).to.equal('aborted')
  })

  it('refuses a protocol list that is not strings', async () => {
    const [, listener] = messageStreamPair()
    await expect(handle(listener, [1 as unknown as string])).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
