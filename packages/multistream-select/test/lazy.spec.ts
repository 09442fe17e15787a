import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { select } from '../src/index.js'
import { HEADER, NA, concatBytes, hex, text, toHex } from './fixtures.js'
import type { MessageStream, MultiaddrConnection, Multiaddr, Stream } from '@libp2p/interface'

/** "/echo/1.0.0\n" = 12 bytes */
const ECHO = '0c 2f6563686f2f312e302e30 0a'
const CONFIRMATION = hex(`${HEADER} ${ECHO}`)

async function readAll (stream: AsyncIterable<Uint8ArrayList>): Promise<string> {
  const all = new Uint8ArrayList()
  for await (const chunk of stream) { all.append(chunk) }
  return new TextDecoder().decode(all.subarray())
}

describe('select with one protocol (optimistic)', () => {
  it('returns at once, before the remote answers, with the protocol set on the stream and its wrapper', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    expect(stream.protocol).to.equal('/echo/1.0.0')
    // the muxer's own stream object carries it too (connection.streams, per-protocol stream limits)
    expect((dialer as unknown as Stream).protocol).to.equal('/echo/1.0.0')
    expect(stream.id).to.equal(dialer.id)
    expect(stream.direction).to.equal('outbound')
    expect(stream.status).to.equal('open')
    expect(toHex(await listener.read())).to.equal(toHex(CONFIRMATION))
  })

  it('removes the confirmation before the first read and keeps data of the same chunk, in order', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    stream.send(text('hello'))
    const sent = new Uint8ArrayList()
    while (sent.byteLength < CONFIRMATION.byteLength + 5) { sent.append((await listener.read())!) }
    expect(toHex(sent)).to.equal(toHex(concatBytes(CONFIRMATION, text('hello'))))
    // like go and rust listeners: the confirmation and the first answer in one write
    listener.send(concatBytes(CONFIRMATION, text('world')))
    expect(toHex(await stream.read())).to.equal(toHex(text('world')))
    listener.send(text('!'))
    await listener.closeWrite()
    expect(await readAll(stream)).to.equal('!')
  })

  it('reads a confirmation that arrives byte by byte after the application started reading', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    const reading = readAll(stream)
    for (const byte of concatBytes(CONFIRMATION, text('abc'))) {
      listener.send(Uint8Array.of(byte))
      await Promise.resolve()
    }
    listener.send(text('def'))
    await listener.closeWrite()
    expect(await reading).to.equal('abcdef')
  })

  it('loses nothing when a read\'s own signal aborts during the negotiation', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    await expect(stream.read({ signal: AbortSignal.abort() })).to.eventually.be.rejected.with.property('name', 'AbortError')
    const controller = new AbortController()
    const reading = stream.read({ signal: controller.signal })
    controller.abort()
    await expect(reading).to.eventually.be.rejected.with.property('name', 'AbortError')
    listener.send(concatBytes(CONFIRMATION, text('data')))
    expect(toHex(await stream.read())).to.equal(toHex(text('data')))
    expect(stream.status).to.equal('open')
  })

  it('lets a write-only protocol see a refusal when it closes', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/write-only/1.0.0')
    stream.send(text('fire and forget'))
    listener.send(hex(`${HEADER} ${NA}`))
    await expect(stream.close()).to.eventually.be.rejected.with.property('name', 'UnsupportedProtocolError')
    expect(stream.status).to.equal('aborted')
    expect(listener.status).to.equal('reset')
    await expect(stream.read()).to.eventually.be.rejected.with.property('name', 'UnsupportedProtocolError')
    // js-libp2p 3: send() on an ended stream throws StreamStateError; the cause is the refusal
    expect(() => stream.send(text('more'))).to.throw().that.satisfies((err: Error) => err.name === 'StreamStateError' && (err.cause as Error).name === 'UnsupportedProtocolError')
    await expect(stream.closeWrite()).to.eventually.be.rejected.with.property('name', 'UnsupportedProtocolError')
  })

  it('aborts the stream with the refusal even if the application never reads or closes', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/nope')
    const closed = new Promise<Error | undefined>(resolve => {
      stream.addEventListener('close', (evt) => { resolve(evt.detail.error) }, { once: true })
    })
    listener.send(hex(`${HEADER} ${NA}`))
    expect(await closed).to.have.property('name', 'UnsupportedProtocolError')
  })

  it('sends data at once but holds the FIN of closeWrite until the protocol is confirmed', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    stream.send(text('request'))
    let closed = false
    const closing = stream.closeWrite().then(() => { closed = true })
    const sent = new Uint8ArrayList()
    while (sent.byteLength < CONFIRMATION.byteLength + 7) { sent.append((await listener.read())!) }
    expect(toHex(sent)).to.equal(toHex(concatBytes(CONFIRMATION, text('request'))))
    // no FIN yet: js-libp2p listeners lose data that arrives with a FIN during their negotiation
    expect(dialer.writeStatus).to.equal('closing')
    expect(listener.readStatus).to.equal('readable')
    expect(closed).to.equal(false)
    listener.send(concatBytes(CONFIRMATION, text('response')))
    await closing
    expect(await listener.read()).to.equal(null)
    await listener.closeWrite()
    expect(await readAll(stream)).to.equal('response')
    expect(stream.status).to.equal('closed')
  })

  it('waits for the outcome before closeRead', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    const closing = stream.closeRead()
    listener.send(concatBytes(CONFIRMATION, text('dropped')))
    await closing
    expect(stream.readStatus).to.equal('closed')
    expect(stream.status).to.equal('open')
    expect(await stream.read()).to.equal(null)
    stream.send(text('still writable'))
    await stream.closeWrite()
    // closed once the remote closes its side too (closeRead() does not end the stream by itself)
    expect(stream.status).to.equal('open')
    await listener.closeWrite()
    expect(stream.status).to.equal('closed')
  })

  it('takes a header the listener sent before the proposal (go-libp2p over WebSockets does)', async () => {
    const [dialer, listener] = messageStreamPair()
    listener.send(hex(HEADER))
    await Promise.resolve()
    const stream = await select(dialer, '/echo/1.0.0')
    listener.send(concatBytes(hex(ECHO), text('response')))
    await listener.closeWrite()
    expect(await readAll(stream)).to.equal('response')
  })

  it('aborts with ProtocolError on an unexpected answer or an early end', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    listener.send(hex(`${HEADER} 03 2f78 0a`))
    await expect(stream.read()).to.eventually.be.rejected.with.property('name', 'ProtocolError')
    expect(stream.status).to.equal('aborted')

    const [dialer2, listener2] = messageStreamPair()
    const stream2 = await select(dialer2, '/echo/1.0.0')
    listener2.send(hex(HEADER))
    await listener2.closeWrite()
    await expect(stream2.read()).to.eventually.be.rejected.with.property('name', 'ProtocolError')
  })

  it('aborts the stream when the select signal fires before the confirmation', async () => {
    const [dialer, listener] = messageStreamPair()
    const controller = new AbortController()
    const stream = await select(dialer, '/echo/1.0.0', { signal: controller.signal })
    controller.abort()
    await expect(stream.read()).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect(stream.status).to.equal('aborted')
    expect(listener.status).to.equal('reset')
  })

  it('ignores the select signal once the protocol is confirmed', async () => {
    const [dialer, listener] = messageStreamPair()
    const controller = new AbortController()
    const stream = await select(dialer, '/echo/1.0.0', { signal: controller.signal })
    listener.send(concatBytes(CONFIRMATION, text('x')))
    expect(toHex(await stream.read())).to.equal(toHex(text('x')))
    controller.abort()
    listener.send(text('y'))
    expect(toHex(await stream.read())).to.equal(toHex(text('y')))
    expect(stream.status).to.equal('open')
  })

  it('puts unshift()ed bytes first and counts read-ahead in readableLength', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    listener.send(concatBytes(CONFIRMATION, text('abcdef')))
    const first = await stream.read()
    expect(first?.byteLength).to.equal(6)
    stream.unshift(first!.sublist(3)) // a reader that wanted only 3 bytes
    expect(stream.readBufferLength).to.equal(3)
    listener.send(text('ghi'))
    await listener.closeWrite()
    expect(await readAll(stream)).to.equal('defghi')
  })

  it('keeps bytes unshift()ed before the confirmation ahead of the read-ahead', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    stream.unshift(text('1'))
    expect(stream.readBufferLength).to.equal(1)
    listener.send(concatBytes(CONFIRMATION, text('2')))
    await listener.closeWrite()
    expect(await readAll(stream)).to.equal('12')
  })

  it('delegates events to the stream it wraps', async () => {
    const [dialer] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    let events = 0
    const listener = (): void => { events++ }
    stream.addEventListener('drain', listener)
    expect(stream.listenerCount('drain')).to.equal(1)
    expect(dialer.listenerCount('drain')).to.equal(1)
    stream.safeDispatchEvent('drain')
    dialer.dispatchEvent(new Event('drain'))
    expect(stream.dispatchEvent(new Event('drain'))).to.equal(true)
    stream.removeEventListener('drain', listener)
    expect(dialer.listenerCount('drain')).to.equal(0)
    dialer.safeDispatchEvent('drain')
    expect(events).to.equal(3)
  })

  it('pipes: sink() writes and half-closes, the source yields the answer', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/echo/1.0.0')
    const sinking = stream.sink([text('a'), new Uint8ArrayList(text('b'))])
    const sent = new Uint8ArrayList()
    while (sent.byteLength < CONFIRMATION.byteLength + 2) { sent.append((await listener.read())!) }
    expect(toHex(sent)).to.equal(toHex(concatBytes(CONFIRMATION, text('ab'))))
    listener.send(concatBytes(CONFIRMATION, text('ba')))
    expect(await readAll(listener)).to.equal('') // the FIN, once confirmed
    await listener.closeWrite()
    await sinking
    expect(await readAll(stream.source)).to.equal('ba')
    expect(stream.writeStatus).to.equal('closed')
    await stream.onDrain()
  })

  it('keeps the shape of a Stream (metadata) and of a MultiaddrConnection (remoteAddr)', async () => {
    const [a] = messageStreamPair()
    const metadata = { tag: 1 }
    const muxed: Stream = Object.assign(a, { protocol: '', metadata })
    const s: Stream = await select(muxed, '/echo/1.0.0')
    expect(s.metadata).to.equal(metadata)
    expect('remoteAddr' in s).to.equal(false)
    s.protocol = '/renamed'
    expect(muxed.protocol).to.equal('/renamed')

    const [b] = messageStreamPair()
    const remoteAddr = { toString: () => '/memory/test' } as unknown as Multiaddr
    const raw: MultiaddrConnection = Object.assign(b, { remoteAddr })
    const c: MultiaddrConnection & { protocol: string } = await select(raw, ['/noise'])
    expect(c.remoteAddr).to.equal(remoteAddr)
    expect(c.protocol).to.equal('/noise')
    expect('metadata' in c).to.equal(false)

    const [d] = messageStreamPair()
    const plain: MessageStream = d
    const e = await select(plain, '/yamux/1.0.0')
    expect(e.protocol).to.equal('/yamux/1.0.0')
  })
})
