import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { sampleValue } from './exposition.js'
import { createMetrics, scrape } from './helpers.js'
import type { Stream } from '@libp2p/interface'
import type { AbstractMessageStream } from '@libp2p/utils'

const PROTOCOL = '/test/1.0.0'

function asStream (stream: AbstractMessageStream, protocol: string): Stream {
  return Object.assign(stream, { protocol, metadata: {} }) as unknown as Stream
}

describe('byte counting', () => {
  it('counts a stream\'s bytes both ways under its protocol, and connections under "global"', async () => {
    const { metrics, registry } = createMetrics()
    const [a, b] = messageStreamPair()
    metrics.trackProtocolStream(asStream(a, PROTOCOL))
    const [c, d] = messageStreamPair()
    metrics.trackMultiaddrConnection(c as any)

    a.send(new Uint8Array(100))
    b.send(new Uint8Array(30))
    c.send(new Uint8Array(7))
    d.send(new Uint8Array(3))
    expect((await b.read())?.byteLength).to.equal(100)
    expect((await a.read())?.byteLength).to.equal(30)
    expect((await d.read())?.byteLength).to.equal(7)
    expect((await c.read())?.byteLength).to.equal(3)

    const families = await scrape(registry)
    expect(families.get('libp2p_data_transfer_bytes_total')?.type).to.equal('counter')
    expect(sampleValue(families, 'libp2p_data_transfer_bytes_total', { protocol: `${PROTOCOL} sent` })).to.equal(100)
    expect(sampleValue(families, 'libp2p_data_transfer_bytes_total', { protocol: `${PROTOCOL} received` })).to.equal(30)
    expect(sampleValue(families, 'libp2p_data_transfer_bytes_total', { protocol: 'global sent' })).to.equal(7)
    expect(sampleValue(families, 'libp2p_data_transfer_bytes_total', { protocol: 'global received' })).to.equal(3)
  })

  it('bytes waiting in the read buffer when the stream is tracked count as received', async () => {
    const { metrics, registry } = createMetrics()
    const [a, b] = messageStreamPair()
    a.send(new Uint8Array(12))
    await a.onDrain()
    expect(b.readBufferLength).to.equal(12)
    metrics.trackProtocolStream(asStream(b, PROTOCOL))
    a.send(new Uint8Array(3))
    await b.read()
    expect(sampleValue(await scrape(registry), 'libp2p_data_transfer_bytes_total', { protocol: `${PROTOCOL} received` })).to.equal(15)
  })

  it('tracking a stream twice counts its bytes once', async () => {
    const { metrics, registry } = createMetrics()
    const [a, b] = messageStreamPair()
    const stream = asStream(a, PROTOCOL)
    metrics.trackProtocolStream(stream)
    metrics.trackProtocolStream(stream)
    a.send(new Uint8Array(10))
    await b.read()
    expect(sampleValue(await scrape(registry), 'libp2p_data_transfer_bytes_total', { protocol: `${PROTOCOL} sent` })).to.equal(10)
  })

  it('a stream without a negotiated protocol is left alone', async () => {
    const { metrics } = createMetrics()
    const [a] = messageStreamPair()
    const send = a.send
    metrics.trackProtocolStream(asStream(a, ''))
    expect(a.send).to.equal(send)
  })

  it('a send that throws counts nothing', async () => {
    const { metrics, registry } = createMetrics()
    const [a] = messageStreamPair()
    metrics.trackProtocolStream(asStream(a, PROTOCOL))
    await a.close()
    expect(() => a.send(new Uint8Array(5))).to.throw().with.property('name', 'StreamStateError')
    expect(sampleValue(await scrape(registry), 'libp2p_data_transfer_bytes_total', { protocol: `${PROTOCOL} sent` })).to.equal(0)
  })

  it('protocols past the bound are counted under "other"', async () => {
    const { metrics, registry } = createMetrics({ maxLabelValues: 4 })
    for (let i = 0; i < 5; i++) {
      const [a, b] = messageStreamPair()
      metrics.trackProtocolStream(asStream(a, `/p/${i}`))
      a.send(new Uint8Array(1))
      await b.read()
    }
    const family = (await scrape(registry)).get('libp2p_data_transfer_bytes_total')
    const sent = family?.samples.filter(s => s.labels.protocol.endsWith(' sent')).map(s => [s.labels.protocol, s.value])
    expect(sent).to.deep.equal([['/p/0 sent', 1], ['other sent', 4]])
  })
})
