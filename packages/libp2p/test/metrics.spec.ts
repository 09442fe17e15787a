import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { transportOf } from '../src/node-metrics.js'
import { memoryNodesPerTest, readAll } from './fixtures.js'
import type { CalculateMetric, Counter, CounterGroup, Metric, MetricGroup, Metrics, MultiaddrConnection, Stream } from '@libp2p/interface'

const ECHO = '/echo/1.0.0'

/** a Metrics that remembers what it was given: tracked objects, counter group increments and calculators */
class RecordingMetrics implements Metrics {
  readonly connections: MultiaddrConnection[] = []
  readonly streams: Stream[] = []
  readonly counts = new Map<string, Record<string, number>>()
  readonly calculators = new Map<string, CalculateMetric<any>>()

  trackMultiaddrConnection (maConn: MultiaddrConnection): void { this.connections.push(maConn) }
  trackProtocolStream (stream: Stream): void { this.streams.push(stream) }

  #group (name: string, options?: { calculate?: CalculateMetric<any> }): any {
    if (options?.calculate != null) {
      this.calculators.set(name, options.calculate)
      return undefined
    }
    const counts = this.counts.get(name) ?? {}
    this.counts.set(name, counts)
    const add = (values: Record<string, unknown>, sign: number): void => {
      for (const [k, v] of Object.entries(values)) { counts[k] = (counts[k] ?? 0) + sign * (typeof v === 'number' ? v : 1) }
    }
    return {
      increment: (values: Record<string, unknown>) => { add(values, 1) },
      decrement: (values: Record<string, unknown>) => { add(values, -1) },
      update: () => {},
      observe: () => {},
      reset: () => {},
      timer: () => () => {}
    }
  }

  registerMetric = ((name: string, options?: any) => this.#group(name, options) as Metric) as Metrics['registerMetric']
  registerMetricGroup = ((name: string, options?: any) => this.#group(name, options) as MetricGroup) as Metrics['registerMetricGroup']
  registerCounter = ((name: string, options?: any) => this.#group(name, options) as Counter) as Metrics['registerCounter']
  registerCounterGroup = ((name: string, options?: any) => this.#group(name, options) as CounterGroup) as Metrics['registerCounterGroup']
  registerHistogram = ((name: string, options?: any) => this.#group(name, options)) as Metrics['registerHistogram']
  registerHistogramGroup = ((name: string, options?: any) => this.#group(name, options)) as Metrics['registerHistogramGroup']
  registerSummary = ((name: string, options?: any) => this.#group(name, options)) as Metrics['registerSummary']
  registerSummaryGroup = ((name: string, options?: any) => this.#group(name, options)) as Metrics['registerSummaryGroup']

  traceFunction<F extends (...args: any[]) => any>(_name: string, fn: F): F { return fn }
  createTrace (): any { return undefined }
}

describe('metrics', () => {
  const node = memoryNodesPerTest()

  it('components.metrics is what the metrics factory built, given the base components', async () => {
    const metrics = new RecordingMetrics()
    let given: Record<string, unknown> | undefined
    const n = await node({ metrics: (components) => { given = components as any; return metrics } })
    expect(given?.peerId?.toString()).to.equal(n.peerId.toString())
    expect(given?.logger).to.be.an('object')
    expect(n.components.metrics).to.equal(metrics)
  })

  it('tracks raw connections and negotiated streams both ways, and reports connections and streams at scrape time', async () => {
    const metricsA = new RecordingMetrics()
    const metricsB = new RecordingMetrics()
    const a = await node({ metrics: () => metricsA })
    const b = await node({ metrics: () => metricsB })
    await b.handle(ECHO, async (stream) => {
      for await (const chunk of stream) { stream.send(chunk) }
      await stream.close()
    })

    const stream = await a.dialProtocol(b.getMultiaddrs()[0], ECHO)
    stream.send(new TextEncoder().encode('hello'))
    await stream.closeWrite()
    expect(new TextDecoder().decode(await readAll(stream))).to.equal('hello')

    expect(metricsA.connections).to.have.length(1)
    expect(metricsB.connections).to.have.length(1)
    expect(metricsA.streams.map(s => [s.direction, s.protocol])).to.deep.equal([['outbound', ECHO]])
    expect(metricsB.streams.map(s => [s.direction, s.protocol])).to.deep.equal([['inbound', ECHO]])
    expect(metricsA.counts.get('libp2p_connection_manager_dials_total')).to.deep.equal({ outbound: 1 })
    expect(metricsB.counts.get('libp2p_connection_manager_dials_total')).to.deep.equal({ inbound: 1 })

    const connections = await metricsA.calculators.get('libp2p_connection_manager_connections')?.()
    expect(connections).to.deep.equal({ inbound: 0, outbound: 1 })
    const byTransport = await metricsB.calculators.get('libp2p_connection_manager_transport_connections')?.()
    expect(byTransport).to.deep.equal({ 'inbound memory': 1 })

    const open = await a.dialProtocol(b.getMultiaddrs()[0], ECHO)
    const streams = await metricsA.calculators.get('libp2p_protocol_streams_total')?.()
    expect(streams).to.deep.equal({ [`outbound ${ECHO}`]: 1 })
    open.abort(new Error('done'))
  })

  it('counts failed address dials and upgrades by error name', async () => {
    const metrics = new RecordingMetrics()
    const a = await node({ metrics: () => metrics })
    const b = await node()
    await b.stop()
    await expect(a.dial(b.getMultiaddrs()[0] ?? multiaddr(`/memory/gone-${Date.now()}/p2p/${b.peerId.toString()}`))).to.eventually.be.rejected()
    const errors = metrics.counts.get('libp2p_dial_errors_total') ?? {}
    expect(Object.values(errors).reduce((n, v) => n + v, 0)).to.equal(1)
  })

  it('without metrics, streams and connections keep their class\'s own methods', async () => {
    const a = await node()
    const b = await node()
    await b.handle(ECHO, async (stream) => { await stream.close() })
    const stream = await a.dialProtocol(b.getMultiaddrs()[0], ECHO)
    expect(Object.hasOwn(stream, 'send')).to.equal(false)
    expect(Object.hasOwn(stream, 'onData')).to.equal(false)
    expect(a.components.metrics).to.equal(undefined)
    stream.abort(new Error('done'))
  })

  it('names a connection\'s transport from its remote address', () => {
    expect(transportOf(multiaddr('/ip4/127.0.0.1/tcp/4001'))).to.equal('tcp')
    expect(transportOf(multiaddr('/ip4/127.0.0.1/tcp/4001/ws'))).to.equal('websockets')
    expect(transportOf(multiaddr('/ip4/127.0.0.1/tcp/4001/tls/ws'))).to.equal('websockets')
    expect(transportOf(multiaddr('/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA/p2p-circuit'))).to.equal('circuit-relay')
    expect(transportOf(multiaddr('/ip4/127.0.0.1/udp/4001/webrtc-direct'))).to.equal('webrtc-direct')
    expect(transportOf(multiaddr('/memory/x'))).to.equal('memory')
    expect(transportOf(multiaddr('/ip4/127.0.0.1/udp/4001'))).to.equal('unknown')
  })
})
