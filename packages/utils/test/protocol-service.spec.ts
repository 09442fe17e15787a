import { expect } from 'aegir/chai'
import { ProtocolService } from '../src/protocol-service.js'
import type { ProtocolServiceInit } from '../src/protocol-service.js'
import type { AbortOptions, Registrar, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'

type Call = ['handle', string, StreamHandler, StreamHandlerOptions | undefined] | ['unhandle', string]

/** a registrar that records its calls; `handle` waits for `gate` when one is set */
class FakeRegistrar implements Pick<Registrar, 'handle' | 'unhandle'> {
  readonly calls: Call[] = []
  gate?: Promise<void>
  failHandle?: Error

  async handle (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions): Promise<void> {
    this.calls.push(['handle', protocol, handler, options])
    await this.gate
    if (this.failHandle != null) { throw this.failHandle }
  }

  async unhandle (protocol: string, options?: AbortOptions): Promise<void> {
    this.calls.push(['unhandle', protocol])
  }
}

describe('ProtocolService', () => {
  let registrar: FakeRegistrar
  const handler: StreamHandler = () => {}

  function service (init: Partial<ProtocolServiceInit> = {}): ProtocolService {
    return new ProtocolService({
      name: 'echo',
      protocol: '/echo/1.0.0',
      registrar,
      handler,
      maxInboundStreams: 3,
      maxOutboundStreams: 2,
      runOnLimitedConnection: false,
      ...init
    })
  }

  beforeEach(() => {
    registrar = new FakeRegistrar()
  })

  it('exposes its protocol and limits', () => {
    const s = service({ runOnLimitedConnection: true })
    expect(s.name).to.equal('echo')
    expect(s.protocol).to.equal('/echo/1.0.0')
    expect(s.maxInboundStreams).to.equal(3)
    expect(s.maxOutboundStreams).to.equal(2)
    expect(s.runOnLimitedConnection).to.be.true()
  })

  it('is stopped until started: no signal, startedSignal() throws NotStartedError', () => {
    const s = service()
    expect(s.isStarted()).to.be.false()
    expect(s.signal).to.be.undefined()
    expect(() => s.startedSignal()).to.throw().with.property('name', 'NotStartedError')
    expect(() => s.startedSignal()).to.throw('echo is not started')
    expect(registrar.calls).to.be.empty()
  })

  it('start() registers the handler with the limits', async () => {
    const s = service()
    await s.start()
    expect(s.isStarted()).to.be.true()
    expect(registrar.calls).to.deep.equal([
      ['handle', '/echo/1.0.0', handler, { maxInboundStreams: 3, maxOutboundStreams: 2, runOnLimitedConnection: false }]
    ])
    const signal = s.startedSignal()
    expect(signal.aborted).to.be.false()
    expect(s.signal).to.equal(signal)
  })

  it('counts as started while the registrar is still registering; a second start() does nothing', async () => {
    let open: () => void = () => {}
    registrar.gate = new Promise(resolve => { open = resolve })
    const s = service()
    const first = s.start()
    expect(s.isStarted()).to.be.true()
    await s.start()
    expect(registrar.calls).to.have.lengthOf(1)
    open()
    await first
    expect(registrar.calls).to.have.lengthOf(1)
  })

  it('stop() aborts the signal with AbortError("<name> stopped"), then unhandles', async () => {
    const s = service()
    await s.start()
    const signal = s.startedSignal()
    let unhandledWhenAborted: boolean | undefined
    signal.addEventListener('abort', () => {
      unhandledWhenAborted = registrar.calls.some(c => c[0] === 'unhandle')
    })
    await s.stop()
    expect(unhandledWhenAborted).to.be.false()
    expect(signal.aborted).to.be.true()
    expect(signal.reason).to.have.property('name', 'AbortError')
    expect(signal.reason).to.have.property('message', 'echo stopped')
    expect(registrar.calls.map(c => c.slice(0, 2))).to.deep.equal([['handle', '/echo/1.0.0'], ['unhandle', '/echo/1.0.0']])
    expect(s.isStarted()).to.be.false()
    expect(s.signal).to.be.undefined()
    expect(() => s.startedSignal()).to.throw().with.property('name', 'NotStartedError')
  })

  it('stop() when stopped does nothing', async () => {
    const s = service()
    await s.stop()
    await s.start()
    await s.stop()
    await s.stop()
    expect(registrar.calls.map(c => c[0])).to.deep.equal(['handle', 'unhandle'])
  })

  it('restarts with a fresh signal', async () => {
    const s = service()
    await s.start()
    const first = s.startedSignal()
    await s.stop()
    await s.start()
    const second = s.startedSignal()
    expect(first.aborted).to.be.true()
    expect(second.aborted).to.be.false()
    expect(second).to.not.equal(first)
    expect(registrar.calls.map(c => c[0])).to.deep.equal(['handle', 'unhandle', 'handle'])
  })

  it('throws what the registrar throws on start, and stays started (so stop() unhandles)', async () => {
    registrar.failHandle = new Error('already handled')
    const s = service()
    await expect(s.start()).to.eventually.be.rejectedWith('already handled')
    expect(s.isStarted()).to.be.true()
    await s.stop()
    expect(registrar.calls.map(c => c[0])).to.deep.equal(['handle', 'unhandle'])
  })
})
