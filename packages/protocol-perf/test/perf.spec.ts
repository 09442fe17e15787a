import { createNode } from '@libp2p/test-fixtures'
import { HandshakeStream } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { PERF_PROTOCOL, perf } from '../src/index.js'
import type { Perf, PerfOutput } from '../src/index.js'
import type { Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

interface Services extends Record<string, unknown> { perf: Perf }

const KiB = 1024
const MiB = 1024 * KiB

function header (bytes: number | bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(bytes))
  return out
}

async function collect (outputs: AsyncIterable<PerfOutput>): Promise<PerfOutput[]> {
  const all: PerfOutput[] = []
  for await (const output of outputs) { all.push(output) }
  return all
}

/** a handler that reads the header and the upload to EOF, then lets `respond` answer */
async function fakeServer (node: Libp2p<any>, respond: (stream: Stream, requested: number) => Promise<void>): Promise<void> {
  await node.handle(PERF_PROTOCOL, async (stream) => {
    const bytes = new HandshakeStream(stream)
    const requested = Number((await bytes.read(8)).getBigUint64(0))
    const rest = bytes.unwrap()
    while (await rest.read() != null) { /* the upload is discarded */ }
    await respond(rest, requested)
  })
}

describe('perf', () => {
  const nodes: Array<Libp2p<any>> = []
  const track = <T extends Libp2p<any>>(node: T): T => { nodes.push(node); return node }
  let client: Libp2p<Services>
  let server: Libp2p<Services>

  beforeEach(async () => {
    client = track(await createNode<Services>({ services: { perf: perf() } }))
    server = track(await createNode<Services>({ services: { perf: perf() } }))
  })

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  const cases: Array<[string, number, number]> = [
    ['upload only', 8 * MiB, 0],
    ['download only', 0, 8 * MiB],
    ['upload and download, sizes that are not whole chunks', 3 * MiB + 17, 2 * MiB + 65_537],
    ['zero bytes both ways', 0, 0],
    ['one byte each way', 1, 1]
  ]
  cases.forEach(([name, up, down]) => {
    it(`measures ${name} (${up} up, ${down} down)`, async () => {
      const outputs = await collect(client.services.perf.measurePerformance(server.getMultiaddrs()[0], up, down))
      expect(outputs[0].type).to.equal('connection')
      expect(outputs[0].timeSeconds).to.be.at.least(0)
      const final = outputs[outputs.length - 1]
      expect(final.type).to.equal('final')
      expect(outputs.filter(o => o.type === 'final')).to.have.lengthOf(1)
      expect(final).to.include({ uploadBytes: up, downloadBytes: down })
      // the final time covers the connection setup as well
      expect(final.timeSeconds).to.be.at.least(outputs[0].timeSeconds)
      for (const o of outputs.filter(o => o.type === 'intermediary')) {
        expect(o.timeSeconds).to.be.greaterThan(0)
      }
      // a connection dialled for the measurement is closed at the end
      expect(client.getConnections(server.peerId).filter(c => c.status === 'open')).to.be.empty()
    })
  })

  it('measure() returns the final result', async () => {
    const final = await client.services.perf.measure(server.getMultiaddrs()[0], 100 * KiB, 200 * KiB)
    expect(final).to.include({ type: 'final', uploadBytes: 100 * KiB, downloadBytes: 200 * KiB })
  })

  it('yields intermediary results with the bytes of each interval', async () => {
    const other = track(await createNode())
    let release!: () => void
    const released = new Promise<void>(resolve => { release = resolve })
    await fakeServer(other, async (stream, requested) => {
      const half = Math.floor(requested / 2)
      stream.send(new Uint8Array(half))
      // the rest only once the client has reported the first half
      await released
      stream.send(new Uint8Array(requested - half))
      await stream.close()
    })
    const outputs: PerfOutput[] = []
    for await (const output of client.services.perf.measurePerformance(other.getMultiaddrs()[0], 1000, 2000, { reportInterval: 5 })) {
      outputs.push(output)
      if (output.type === 'intermediary' && outputs.reduce((n, o) => n + (o.type === 'intermediary' ? o.downloadBytes : 0), 0) === 1000) {
        release()
      }
    }
    const intermediary = outputs.filter(o => o.type === 'intermediary')
    expect(intermediary.length).to.be.at.least(1)
    const final = outputs[outputs.length - 1]
    expect(final).to.include({ type: 'final', uploadBytes: 1000, downloadBytes: 2000 })
    const reportedUp = intermediary.reduce((n, o) => n + o.uploadBytes, 0)
    const reportedDown = intermediary.reduce((n, o) => n + o.downloadBytes, 0)
    expect(reportedUp).to.equal(1000)
    expect(reportedDown).to.be.within(1000, 2000)
    for (const o of intermediary) { expect(o.timeSeconds).to.be.greaterThan(0) }
  })

  it('aborts the stream when the consumer leaves the loop early', async () => {
    const other = track(await createNode())
    let serverSaw!: (name: string) => void
    const saw = new Promise<string>(resolve => { serverSaw = resolve })
    await other.handle(PERF_PROTOCOL, async (stream) => {
      try {
        while (await stream.read() != null) { /* the upload is discarded */ }
        serverSaw('eof')
      } catch (err: any) {
        serverSaw(err.name)
      }
    })
    for await (const output of client.services.perf.measurePerformance(other.getMultiaddrs()[0], Number.MAX_SAFE_INTEGER, 0, { reportInterval: 5 })) {
      if (output.type === 'intermediary' && output.uploadBytes > 0) { break }
    }
    expect(await saw).to.equal('StreamResetError')
    expect(client.getConnections(other.peerId).filter(c => c.status === 'open')).to.be.empty()
  })

  it('reuses an open connection when asked, and leaves it open', async () => {
    const connection = await client.dial(server.getMultiaddrs()[0])
    const final = await client.services.perf.measure(server.peerId, 1000, 1000, { reuseExistingConnection: true })
    expect(final).to.include({ uploadBytes: 1000, downloadBytes: 1000 })
    expect(client.getConnections(server.peerId)).to.deep.equal([connection])
    expect(connection.status).to.equal('open')
  })

  it('refuses a second concurrent perf stream on one connection (maxOutboundStreams 1)', async () => {
    await client.dial(server.getMultiaddrs()[0])
    const first = client.services.perf.measurePerformance(server.peerId, Number.MAX_SAFE_INTEGER, 0, { reuseExistingConnection: true, reportInterval: 5 })
    // run the first until its stream is open and moving bytes
    for (let r = await first.next(); r.done !== true; r = await first.next()) {
      if (r.value.type === 'intermediary' && r.value.uploadBytes > 0) { break }
    }
    await expect(client.services.perf.measure(server.peerId, 1, 1, { reuseExistingConnection: true }))
      .to.eventually.be.rejected.with.property('name', 'LimitExceededError')
    await first.return()
  })

  it('a server refuses a request over maxDownloadBytes: the client sees the stream reset', async () => {
    const strict = track(await createNode<Services>({ services: { perf: perf({ maxDownloadBytes: 1000 }) } }))
    expect(await client.services.perf.measure(strict.getMultiaddrs()[0], 10, 1000)).to.include({ downloadBytes: 1000 })
    await expect(client.services.perf.measure(strict.getMultiaddrs()[0], 10, 1001))
      .to.eventually.be.rejected.with.property('name', 'StreamResetError')
  })

  it('a server ends a stream whose client never sends EOF (idleTimeout)', async () => {
    const impatient = track(await createNode<Services>({ services: { perf: perf({ idleTimeout: 50 }) } }))
    const stream = await client.dialProtocol(impatient.getMultiaddrs()[0], PERF_PROTOCOL)
    stream.send(header(10))
    stream.send(new Uint8Array(100))
    // never closeWrite(): the server gives up and resets the stream
    await expect(stream.read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
  })

  it('the client gives ProtocolError when the server sends fewer or more bytes than asked for', async () => {
    const short = track(await createNode())
    await fakeServer(short, async (stream, requested) => {
      stream.send(new Uint8Array(requested - 1))
      await stream.close()
    })
    await expect(client.services.perf.measure(short.getMultiaddrs()[0], 10, 100))
      .to.eventually.be.rejected.with.property('name', 'ProtocolError')
    const long = track(await createNode())
    await fakeServer(long, async (stream, requested) => {
      stream.send(new Uint8Array(requested + 1))
      await stream.close().catch(() => {})
    })
    await expect(client.services.perf.measure(long.getMultiaddrs()[0], 10, 100))
      .to.eventually.be.rejected.with.property('name', 'ProtocolError')
  })

  it('the client gives TimeoutError when the server stalls (idleTimeout)', async () => {
    const staller = track(await createNode())
    await fakeServer(staller, async (stream) => {
      // sends nothing and keeps the stream open until the client gives up
      await stream.read().catch(() => {})
    })
    await expect(client.services.perf.measure(staller.getMultiaddrs()[0], 10, 100, { idleTimeout: 50 }))
      .to.eventually.be.rejected.with.property('name', 'TimeoutError')
  })

  it('ends with the caller\'s signal', async () => {
    const controller = new AbortController()
    const measuring = client.services.perf.measurePerformance(server.getMultiaddrs()[0], Number.MAX_SAFE_INTEGER, 0, { signal: controller.signal, reportInterval: 5 })
    await expect((async () => {
      for await (const output of measuring) {
        if (output.type === 'intermediary' && output.uploadBytes > 0) { controller.abort() }
      }
    })()).to.eventually.be.rejected.with.property('name', 'AbortError')
    await expect(client.services.perf.measure(server.getMultiaddrs()[0], 1, 1, { signal: AbortSignal.abort() }))
      .to.eventually.be.rejected.with.property('name', 'AbortError')
  })

  it('rejects bad arguments with InvalidParametersError', async () => {
    const ma = server.getMultiaddrs()[0]
    for (const [up, down] of [[-1, 0], [0, 1.5], [Number.MAX_SAFE_INTEGER + 1, 0], [0, NaN]]) {
      await expect(client.services.perf.measure(ma, up, down)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    }
    await expect(client.services.perf.measure(ma, 1, 1, { reportInterval: 0 })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    // bad perf() options: test/options.spec.ts
  })

  it('stops serving when stopped, and refuses to measure', async () => {
    const ma = server.getMultiaddrs()[0]
    await server.stop()
    await expect(client.services.perf.measure(ma, 1, 1)).to.eventually.be.rejected()
    await client.stop()
    await expect(client.services.perf.measure(ma, 1, 1)).to.eventually.be.rejected.with.property('name', 'NotStartedError')
  })

  it('uses a custom protocol name and chunk size', async () => {
    const a = track(await createNode<Services>({ services: { perf: perf({ protocolName: '/x/perf/1', writeBlockSize: 1000 }) } }))
    const b = track(await createNode<Services>({ services: { perf: perf({ protocolName: '/x/perf/1', writeBlockSize: 333 }) } }))
    expect(a.services.perf.protocol).to.equal('/x/perf/1')
    expect(b.getProtocols()).to.include('/x/perf/1')
    expect(await a.services.perf.measure(b.getMultiaddrs()[0], 123_456, 654_321)).to.include({ uploadBytes: 123_456, downloadBytes: 654_321 })
  })
})
