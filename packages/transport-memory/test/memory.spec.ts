import { isTransport } from '@libp2p/interface'
import { RecordingUpgrader, rawConnection } from '@libp2p/interface-compliance-tests/transport'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { memory } from '../src/index.js'
import type { MemoryCreateListenerOptions } from '../src/index.js'
import type { Connection, Listener, MultiaddrConnection, Upgrader } from '@libp2p/interface'

let n = 0
const fresh = (): string => `/memory/unit-${++n}`
const peer = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

async function readAll (stream: MultiaddrConnection): Promise<Uint8Array> {
  const all = new Uint8ArrayList()
  while (true) {
    const chunk = await stream.read({ signal: AbortSignal.timeout(5000) })
    if (chunk == null) { return all.subarray() }
    all.append(chunk)
  }
}

describe('memory transport', () => {
  const listeners: Listener[] = []
  const listen = async (addr: string, upgrader: Upgrader = new RecordingUpgrader(), init = {}): Promise<Listener> => {
    const listener = memory(init)({}).createListener({ upgrader })
    listeners.push(listener)
    await listener.listen(multiaddr(addr))
    return listener
  }

  afterEach(async () => {
    await Promise.all(listeners.splice(0).map(async l => l.close()))
  })

  it('is a transport', () => {
    const transport = memory()({})
    expect(isTransport(transport)).to.equal(true)
    expect(transport[Symbol.toStringTag]).to.equal('@libp2p/memory')
  })

  it('rejects bad options with InvalidParametersError', () => {
    expect(() => memory({ latencyMs: -1 })({})).to.throw().with.property('name', 'InvalidParametersError')
    expect(() => memory({ maxConnections: 1.5 })({})).to.throw().with.property('name', 'InvalidParametersError')
    expect(() => memory({ maxInFlightBytes: Number.NaN })({})).to.throw().with.property('name', 'InvalidParametersError')
  })

  it('filters /memory/<id> with or without /p2p, and nothing else', () => {
    const transport = memory()({})
    const ok = [multiaddr('/memory/a'), multiaddr(`/memory/b/p2p/${peer}`)]
    const no = [
      multiaddr('/ip4/127.0.0.1/tcp/1'),
      multiaddr(`/memory/c/p2p/${peer}/p2p-circuit/p2p/${peer}`),
      multiaddr('/memory/d/tcp/1')
    ]
    expect(transport.dialFilter([...no, ...ok])).to.deep.equal(ok)
    expect(transport.listenFilter([...ok, ...no])).to.deep.equal(ok)
  })

  it('reports the memory address without /p2p', async () => {
    const addr = fresh()
    const listener = await listen(`${addr}/p2p/${peer}`)
    expect(listener.getAddrs().map(String)).to.deep.equal([addr])
  })

  it('refuses a second listener on a taken address with AddressInUseError, and frees it on close', async () => {
    const addr = fresh()
    const first = await listen(addr)
    await expect(listen(addr)).to.eventually.be.rejected.with.property('name', 'AddressInUseError')
    await first.close()
    expect((await listen(addr)).getAddrs().map(String)).to.deep.equal([addr])
  })

  it('refuses non-memory addresses with InvalidMultiaddrError', async () => {
    await expect(listen('/ip4/127.0.0.1/tcp/0')).to.eventually.be.rejected.with.property('name', 'InvalidMultiaddrError')
    await expect(memory()({}).dial(multiaddr('/ip4/127.0.0.1/tcp/1'), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
      .to.eventually.be.rejected.with.property('name', 'InvalidMultiaddrError')
  })

  it('listens only once', async () => {
    const listener = await listen(fresh())
    await expect(listener.listen(multiaddr(fresh()))).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('fails with ConnectionFailedError when nothing listens', async () => {
    await expect(memory()({}).dial(multiaddr('/memory/nobody-here'), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
      .to.eventually.be.rejected.with.property('name', 'ConnectionFailedError')
  })

  it('gives the dialled address as remoteAddr outbound and an ephemeral one inbound', async () => {
    const addr = fresh()
    const upgrader = new RecordingUpgrader()
    await listen(addr, upgrader)
    const target = multiaddr(`${addr}/p2p/${peer}`)
    const connection = await memory()({}).dial(target, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
    expect(connection.remoteAddr.toString()).to.equal(target.toString())
    expect(upgrader.inbound[0].remoteAddr.toString()).to.match(/^\/memory\/ephemeral-memory-\d+$/)
    expect(upgrader.inbound[0].id).to.not.equal(rawConnection(connection).id)
  })

  describe('maxConnections', () => {
    it('refuses dials past the limit with ConnectionFailedError caused by LimitExceededError', async () => {
      const addr = fresh()
      await listen(addr, new RecordingUpgrader(), { maxConnections: 2 })
      const dialer = memory()({})
      const first = await dialer.dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
      await dialer.dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
      const err = await dialer.dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }).then(() => undefined, (e: any) => e)
      expect(err?.name).to.equal('ConnectionFailedError')
      expect(err?.cause?.name).to.equal('LimitExceededError')
      expect(err?.message).to.include('maxConnections=2')

      // a closed connection frees its slot
      first.abort(new Error('make room'))
      await dialer.dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
    })

    it('can be set per listener', async () => {
      const addr = fresh()
      const options: MemoryCreateListenerOptions = { upgrader: new RecordingUpgrader(), maxConnections: 0 }
      const listener = memory({ maxConnections: 10 })({}).createListener(options)
      listeners.push(listener)
      await listener.listen(multiaddr(addr))
      await expect(memory()({}).dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
        .to.eventually.be.rejected.with.property('name', 'ConnectionFailedError')
    })
  })

  describe('abort', () => {
    it('an abort during the connection delay connects nothing', async () => {
      const addr = fresh()
      const upgrader = new RecordingUpgrader()
      await listen(addr, upgrader)
      const controller = new AbortController()
      const dialling = memory({ latencyMs: 50 })({}).dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: controller.signal })
      controller.abort()
      await expect(dialling).to.eventually.be.rejected.with.property('name', 'AbortError')
      expect(upgrader.inbound).to.be.empty()
    })

    it('an upgrader that ignores the signal does not hold the dial, and its late connection is aborted', async () => {
      const addr = fresh()
      const inbound = new RecordingUpgrader()
      await listen(addr, inbound)
      let release = (): void => {}
      let lateAbort: (err: Error) => void = () => {}
      const lateAborted = new Promise<Error>(resolve => { lateAbort = resolve })
      const stubborn: Upgrader = {
        upgradeInbound: async (maConn) => inbound.upgradeInbound(maConn),
        upgradeOutbound: async () => {
          await new Promise<void>(resolve => { release = resolve })

          return { abort: lateAbort } as unknown as Connection
        }
      }
      const controller = new AbortController()
      const dialling = memory()({}).dial(multiaddr(addr), { upgrader: stubborn, signal: controller.signal })
      controller.abort()
      await expect(dialling).to.eventually.be.rejected.with.property('name', 'AbortError')
      expect(inbound.inbound[0].status).to.equal('reset')
      release()
      expect((await lateAborted).name).to.equal('AbortError')
    })

    it('closing the listener aborts inbound upgrades in progress', async () => {
      const addr = fresh()
      let seen: AbortSignal | undefined
      const pending: Upgrader = {
        upgradeOutbound: async (maConn) => new RecordingUpgrader().upgradeOutbound(maConn),
        upgradeInbound: async (_maConn, options) => {
          seen = options?.signal
          return new Promise<Connection>((_resolve, reject) => {
            options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
          })
        }
      }
      const listener = await listen(addr, pending)
      let errors = 0
      listener.addEventListener('error', () => { errors++ })
      const connection = await memory()({}).dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
      expect(seen?.aborted).to.equal(false)
      await listener.close()
      expect(seen?.aborted).to.equal(true)
      expect(await rawConnection(connection).read()).to.equal(null)
      expect(errors).to.equal(0)
    })
  })

  describe('latency', () => {
    it('delays delivery by latency (js-libp2p\'s name) or latencyMs and keeps the order of many small chunks', async () => {
      const addr = fresh()
      const upgrader = new RecordingUpgrader()
      await listen(addr, upgrader, { latencyMs: 5 })
      const connection = await memory({ latency: 20 })({}).dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
      const outbound = rawConnection(connection)
      const inbound = upgrader.inbound[0]
      const start = Date.now()
      const first = inbound.read()
      outbound.send(Uint8Array.of(0))
      await first
      expect(Date.now() - start).to.be.greaterThanOrEqual(15)

      const expected: number[] = []
      for (let i = 1; i < 500; i++) {
        const chunk = Uint8Array.from({ length: (i % 7) + 1 }, (_, j) => (i + j) & 0xff)
        expected.push(...chunk)
        outbound.send(chunk)
        // spread the sends over several timer turns so later chunks have later due times
        if (i % 100 === 0) { await new Promise(resolve => { setTimeout(resolve, 1) }) }
      }
      await outbound.closeWrite()
      expect([...await readAll(inbound)]).to.deep.equal(expected)
    })

    it('holds the sender while maxInFlightBytes are on their way', async () => {
      const addr = fresh()
      const upgrader = new RecordingUpgrader()
      await listen(addr, upgrader)
      const connection = await memory({ latencyMs: 10, maxInFlightBytes: 1024 })({}).dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
      const outbound = rawConnection(connection)
      const reading = readAll(upgrader.inbound[0])
      let sent = 0
      while (outbound.send(new Uint8Array(1024))) { sent += 1024 }
      sent += 1024
      // 1 KiB in flight blocks the transport, so the rest waits in the write buffer
      expect(outbound.writeBufferLength).to.be.greaterThan(0)
      await outbound.onDrain()
      await outbound.closeWrite()
      expect((await reading).byteLength).to.equal(sent)
    })

    it('a reset arrives after the data sent before it', async () => {
      const addr = fresh()
      const upgrader = new RecordingUpgrader()
      await listen(addr, upgrader)
      const connection = await memory({ latencyMs: 5 })({}).dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
      const outbound = rawConnection(connection)
      const inbound = upgrader.inbound[0]
      outbound.send(Uint8Array.of(1, 2, 3))
      await Promise.resolve() // the send is flushed in a microtask
      expect(outbound.writeBufferLength).to.equal(0)
      outbound.abort(new Error('gone'))
      expect(inbound.status).to.equal('open')
      const got = await inbound.read()
      expect(got?.subarray()).to.deep.equal(Uint8Array.of(1, 2, 3))
      await expect(inbound.read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
    })
  })

  it('a fully closed end closes the other end\'s transport', async () => {
    const addr = fresh()
    const upgrader = new RecordingUpgrader()
    await listen(addr, upgrader)
    const outbound = rawConnection(await memory()({}).dial(multiaddr(addr), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
    const inbound = upgrader.inbound[0]
    // the dialer stops reading and writing: the listener's later sends fail as on a closed socket
    await outbound.closeRead()
    await outbound.closeWrite()
    expect(outbound.status).to.equal('closed')
    expect(inbound.status).to.equal('closed')
    expect(() => inbound.send(Uint8Array.of(1))).to.throw().with.property('name', 'StreamStateError')
  })
})
