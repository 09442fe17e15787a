import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { select } from '../src/index.js'
import { HEADER, NA, concatBytes, hex, text, toHex } from './fixtures.js'
import type { PairedMessageStream } from '@libp2p/utils'

/** run a dialer that proposes ['/a', '/b'] against raw listener bytes */
async function dialAgainst (answer: Uint8Array): Promise<{ err: any, dialer: PairedMessageStream, listener: PairedMessageStream }> {
  const [dialer, listener] = messageStreamPair()
  const selecting = select(dialer, ['/a', '/b'])
  listener.send(answer)
  const err = await selecting.then(() => undefined, (err) => err)
  return { err, dialer, listener }
}

describe('select (dialer)', () => {
  it('resolves with the same stream and its protocol when the first proposal is accepted', async () => {
    const [dialer, listener] = messageStreamPair()
    const selecting = select(dialer, ['/a', '/b'])
    listener.send(hex(`${HEADER} 03 2f61 0a`))
    const stream = await selecting
    expect(stream).to.equal(dialer)
    expect(stream.protocol).to.equal('/a')
  })

  it('returns the bytes that followed the answer to the application, in order', async () => {
    const [dialer, listener] = messageStreamPair()
    const selecting = select(dialer, ['/a', '/b'])
    listener.send(concatBytes(hex(`${HEADER} ${NA} 03 2f62 0a`), text('after')))
    const stream = await selecting
    expect(stream.protocol).to.equal('/b')
    expect(toHex(await stream.read())).to.equal(toHex(text('after')))
  })

  it('reads answers split byte by byte', async () => {
    const [dialer, listener] = messageStreamPair()
    const selecting = select(dialer, ['/a', '/b'])
    for (const byte of hex(`${HEADER} ${NA} 03 2f62 0a`)) {
      listener.send(Uint8Array.of(byte))
      await Promise.resolve()
    }
    expect((await selecting).protocol).to.equal('/b')
  })

  it('waits for the confirmation of a single protocol with negotiateFully', async () => {
    const [dialer, listener] = messageStreamPair()
    let settled = false
    const selecting = select(dialer, '/a', { negotiateFully: true }).finally(() => { settled = true })
    expect(toHex(await listener.read())).to.equal(toHex(hex(`${HEADER} 03 2f61 0a`)))
    expect(settled).to.equal(false)
    listener.send(hex(`${HEADER} 03 2f61 0a`))
    const stream = await selecting
    expect(stream).to.equal(dialer)
    expect(stream.protocol).to.equal('/a')
  })

  it('fails with UnsupportedProtocolError when every proposal is refused, and aborts the stream', async () => {
    const [dialer, listener] = messageStreamPair()
    const selecting = select(dialer, ['/a', '/b'])
    listener.send(hex(`${HEADER} ${NA} ${NA}`))
    await expect(selecting).to.eventually.be.rejected.with.property('name', 'UnsupportedProtocolError')
    expect(dialer.status).to.equal('aborted')
    expect(listener.status).to.equal('reset')
  })

  it('fails with ProtocolError on a wrong header', async () => {
    const { err, dialer } = await dialAgainst(hex('13 2f6d756c746973747265616d2f322e302e30 0a')) // /multistream/2.0.0
    expect(err).to.have.property('name', 'ProtocolError')
    expect(dialer.status).to.equal('aborted')
  })

  it('fails with ProtocolError on an answer that is neither the proposal nor na', async () => {
    const { err } = await dialAgainst(hex(`${HEADER} 03 2f62 0a`)) // "/b" in answer to "/a"
    expect(err).to.have.property('name', 'ProtocolError')
  })

  it('fails with InvalidMessageError on a message without its newline', async () => {
    const { err } = await dialAgainst(hex('03 2f6162'))
    expect(err).to.have.property('name', 'InvalidMessageError')
  })

  it('fails with MessageTooLargeError as soon as the length prefix is over the limit', async () => {
    // 0xe807 = 1000: no body follows, the error must not wait for it
    const [dialer, listener] = messageStreamPair()
    const selecting = select(dialer, ['/a', '/b'], { maxDataLength: 999 })
    listener.send(hex('e807'))
    await expect(selecting).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')
  })

  it('fails with InvalidMessageError on an invalid varint', async () => {
    expect((await dialAgainst(hex('ffffffffffffffffff'))).err).to.have.property('name', 'InvalidMessageError')
    expect((await dialAgainst(hex('8000'))).err).to.have.property('name', 'InvalidMessageError')
  })

  it('fails with InvalidMessageError on text that is not UTF-8', async () => {
    expect((await dialAgainst(hex('03 fffe 0a'))).err).to.have.property('name', 'InvalidMessageError')
  })

  it('fails with a typed error when the remote closes early', async () => {
    const [dialer, listener] = messageStreamPair()
    const selecting = select(dialer, ['/a', '/b'])
    listener.send(hex(`${HEADER} 03 2f`))
    await listener.closeWrite()
    await expect(selecting).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')

    const [dialer2, listener2] = messageStreamPair()
    const selecting2 = select(dialer2, ['/a', '/b'])
    listener2.send(hex(HEADER))
    await listener2.closeWrite()
    await expect(selecting2).to.eventually.be.rejected.with.property('name', 'ProtocolError')
  })

  it('is ended by the caller\'s signal, and the stream is aborted with its reason', async () => {
    const [dialer, listener] = messageStreamPair()
    const controller = new AbortController()
    const selecting = select(dialer, ['/a', '/b'], { signal: controller.signal })
    expect(toHex(await listener.read())).to.not.equal('') // the proposal went out, no answer comes
    controller.abort()
    await expect(selecting).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect(dialer.status).to.equal('aborted')

    const [dialer2] = messageStreamPair()
    await expect(select(dialer2, '/a', { signal: AbortSignal.abort() })).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect(dialer2.status).to.equal('aborted')
  })

  it('refuses protocols that cannot be proposed', async () => {
    const [dialer] = messageStreamPair()
    for (const protocols of [[], '', 'na', 'ls', '/multistream/1.0.0', '/a\n', '/\uD800', ['/a', 'x'.repeat(1024)]]) {
      await expect(select(dialer, protocols)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    }
    expect(dialer.status).to.equal('open') // a caller mistake is not the stream's fault
    // the limit counts the newline: 1023 characters fit in 1024 bytes
    const [dialer2] = messageStreamPair()
    const stream = await select(dialer2, 'x'.repeat(1023))
    expect(stream.protocol).to.have.lengthOf(1023)
  })
})
