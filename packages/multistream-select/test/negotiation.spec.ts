import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { handle, select } from '../src/index.js'
import { text } from './fixtures.js'
import type { MessageStream } from '@libp2p/interface'

async function echo (stream: MessageStream): Promise<void> {
  for await (const chunk of stream) {
    if (!stream.send(chunk)) { await stream.onDrain() }
  }
  await stream.closeWrite()
}

async function readAll (stream: AsyncIterable<Uint8ArrayList>): Promise<Uint8Array> {
  const all = new Uint8ArrayList()
  for await (const chunk of stream) { all.append(chunk) }
  return all.subarray()
}

describe('select against handle', () => {
  it('agrees on the dialer\'s most preferred protocol the listener supports', async () => {
    const [a, b] = messageStreamPair()
    const [dialer, listener] = await Promise.all([
      select(a, ['/c/1.0.0', '/b/1.0.0', '/a/1.0.0']),
      handle(b, ['/a/1.0.0', '/b/1.0.0'])
    ])
    expect(dialer.protocol).to.equal('/b/1.0.0')
    expect(listener.protocol).to.equal('/b/1.0.0')
  })

  it('negotiates one protocol fully when asked to', async () => {
    const [a, b] = messageStreamPair()
    const [dialer, listener] = await Promise.all([
      select(a, '/a', { negotiateFully: true }),
      handle(b, ['/a'])
    ])
    expect(dialer).to.equal(a)
    expect(dialer.protocol).to.equal('/a')
    expect(listener.protocol).to.equal('/a')
  })

  it('carries data both ways after an optimistic select, nothing lost or reordered', async () => {
    const [a, b] = messageStreamPair({ readHighWaterMark: 4096 })
    const dialer = await select(a, '/echo/1.0.0')
    // the dialer writes before the listener has even started negotiating
    const payload = new Uint8Array(100_000).map((_, i) => i * 7)
    const writing = (async () => {
      for (let i = 0; i < payload.byteLength; i += 1000) {
        if (!dialer.send(payload.subarray(i, i + 1000))) { await dialer.onDrain() }
      }
      await dialer.closeWrite()
    })()
    const listening = handle(b, ['/echo/1.0.0']).then(echo)
    const received = await readAll(dialer)
    await Promise.all([writing, listening])
    expect(received).to.deep.equal(payload)
    expect(dialer.status).to.equal('closed')
  })

  it('fails on both sides when nothing is supported', async () => {
    const [a, b] = messageStreamPair()
    const [dialed, handled] = await Promise.allSettled([
      select(a, ['/x', '/y']),
      handle(b, ['/a'])
    ])
    expect(dialed).to.have.nested.property('reason.name', 'UnsupportedProtocolError')
    // the dialer aborts its side; the listener sees the reset
    expect(handled).to.have.nested.property('reason.name', 'StreamResetError')
  })

  it('lets a write-only optimistic dialer see the refusal on close', async () => {
    const [a, b] = messageStreamPair()
    const dialer = await select(a, '/log/1.0.0')
    dialer.send(text('an entry the listener will not take'))
    const [closed, handled] = await Promise.allSettled([
      dialer.close(),
      handle(b, ['/other'])
    ])
    expect(closed).to.have.nested.property('reason.name', 'UnsupportedProtocolError')
    expect(handled).to.have.property('status', 'rejected')
    expect(b.status).to.be.oneOf(['aborted', 'reset'])
  })

  it('lists the listener\'s protocols on ls, then selects', async () => {
    const [a, b] = messageStreamPair()
    const handling = handle(b, ['/a', '/b'])
    // an ls-capable dialer, by hand: header, ls, then a proposal from the list
    a.send(Uint8Array.of(0x13, ...text('/multistream/1.0.0\n'), 0x03, ...text('ls\n')))
    const received = new Uint8ArrayList()
    while (received.byteLength < 20 + 1 + 9) { received.append((await a.read())!) }
    // header (20 bytes), then a list message of 9 bytes: 03 "/a\n" 03 "/b\n" "\n"
    expect(received.subarray(20)).to.deep.equal(Uint8Array.of(0x09, 0x03, ...text('/a\n'), 0x03, ...text('/b\n'), 0x0a))
    a.send(Uint8Array.of(0x03, ...text('/b\n')))
    expect((await handling).protocol).to.equal('/b')
  })
})
