import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { TestUpgrader } from './fixtures/upgrader.js'
import { listening, nextEvent, openSockets, rawSocket, rawSocketNow, readAll } from './fixtures/util.js'
import type { RawConnection } from './fixtures/upgrader.js'
import type { Harness } from './fixtures/util.js'
import type { Socket } from 'node:net'

function portOf (h: Harness): number {
  return Number(h.addr.getComponents()[1].value)
}

async function socketClosed (socket: Socket): Promise<void> {
  if (socket.closed) { return }
  await new Promise(resolve => socket.once('close', resolve))
}

describe('TCP listener', () => {
  let h: Harness | undefined

  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  it('closes sockets beyond maxConnections at once, counts them and keeps serving', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0', { maxConnections: 2 })
    const [a] = await h.pair()
    await h.pair()
    expect(h.listener.connectionCount).to.equal(2)

    await socketClosed(rawSocketNow(portOf(h)))
    expect(h.listener.droppedConnections).to.equal(1)
    expect(h.upgrader.inbound).to.have.length(2)

    // a freed slot is usable again
    const inboundClosed = nextEvent(h.upgrader.inbound[0], 'close')
    a.abort(new Error('make room'))
    await inboundClosed
    await until(() => h?.listener.connectionCount === 1, 'the slot to be freed')
    const [c, d] = await h.pair()
    c.maConn.send(Uint8Array.of(42))
    expect((await d.maConn.read())?.subarray()).to.deep.equal(Uint8Array.of(42))
  })

  it('keeps serving after a failed inbound upgrade, which it reports as an error event', async () => {
    let calls = 0
    const upgrader = new TestUpgrader({ inbound: () => { if (calls++ === 0) { throw new TypeError('bad handshake') } } })
    h = await listening('/ip4/127.0.0.1/tcp/0', {}, upgrader)
    const errorEvent = nextEvent<CustomEvent<Error>>(h.listener, 'error')
    const first = rawSocketNow(portOf(h))
    expect((await errorEvent).detail.name).to.equal('TypeError')
    await socketClosed(first)
    const [out, inb] = await h.pair()
    out.maConn.send(Uint8Array.of(1))
    expect((await inb.maConn.read())?.subarray()).to.deep.equal(Uint8Array.of(1))
  })

  it('survives garbage and resets from raw sockets', async () => {
    // an upgrader that reads a 4-byte "handshake" and rejects anything else
    const upgrader = new TestUpgrader({
      inbound: async (maConn) => {
        const got = await maConn.read()
        if (got == null || got.byteLength < 4 || got.get(0) !== 0x13) { throw new TypeError('not our protocol') }
      }
    })
    h = await listening('/ip4/127.0.0.1/tcp/0', {}, upgrader)
    const errors: Error[] = []
    h.listener.addEventListener('error', (evt) => errors.push(evt.detail))

    const sockets: Socket[] = []
    for (let i = 0; i < 10; i++) {
      const s = await rawSocket(portOf(h))
      s.on('error', () => {})
      s.resume()
      sockets.push(s)
      if (i % 3 === 0) {
        s.write(new Uint8Array(1000).fill(0xff))
        s.end()
      } else if (i % 3 === 1) {
        s.write(Uint8Array.of(1, 2))
        s.resetAndDestroy()
      } else {
        s.resetAndDestroy()
      }
    }
    // a socket reset before it is accepted may never reach the upgrader, so count only the sure ones
    await Promise.all(sockets.map(socketClosed))
    expect(errors.filter(e => e.name === 'TypeError')).to.have.length.at.least(4)
    for (const e of errors) { expect(['TypeError', 'StreamResetError']).to.include(e.name) }

    const inbound = nextEvent<CustomEvent<RawConnection>>(h.listener, 'connection')
    const out = await h.transport.dial(h.addr, { upgrader: h.upgrader, signal: AbortSignal.timeout(10_000) }) as RawConnection
    out.maConn.send(Uint8Array.of(0x13, 0, 0, 0))
    expect((await inbound).detail.direction).to.equal('inbound')
  })

  it('close() stops accepting and closes its connections gracefully when the remotes cooperate', async () => {
    h = await listening()
    const before = openSockets()
    const pairs = [await h.pair(), await h.pair()]
    // remotes that close their side once they see EOF
    const remotes = pairs.map(async ([out]) => {
      await readAll(out.maConn)
      await out.maConn.closeWrite()
    })
    const closeEvent = nextEvent(h.listener, 'close')
    await h.listener.close()
    await closeEvent
    await Promise.all(remotes)
    for (const [out, inb] of pairs) {
      expect(inb.maConn.status).to.equal('closed')
      expect(out.maConn.status).to.equal('closed')
    }
    expect(h.listener.getAddrs()).to.deep.equal([])
    await expect(h.transport.dial(h.addr, { upgrader: new TestUpgrader(), signal: AbortSignal.timeout(10_000) })).to.eventually.be.rejected.with.property('name', 'DialError')
    await until(() => openSockets() === before, 'the sockets to close')
    h = undefined
  })

  it('close() aborts connections that do not close within listenerCloseTimeout', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0', { listenerCloseTimeout: 50 })
    const [out, inb] = await h.pair()
    const remoteClosed = nextEvent<CustomEvent<{ error?: Error }>>(out.maConn, 'close')
    // the remote never closes its side
    await h.listener.close()
    expect(inb.maConn.status).to.equal('aborted')
    // it saw EOF, then learns of the reset when it writes
    expect(await readAll(out.maConn)).to.deep.equal(new Uint8Array(0))
    out.maConn.send(Uint8Array.of(1))
    expect((await remoteClosed).detail.error?.name).to.equal('StreamResetError')
    h = undefined
  })

  it('close() with listenerCloseTimeout 0 aborts connections at once', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0', { listenerCloseTimeout: 0 })
    const [out, inb] = await h.pair()
    await h.listener.close()
    expect(inb.maConn.status).to.equal('aborted')
    await expect(out.maConn.read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
    h = undefined
  })

  it('close() aborts upgrades in flight', async () => {
    let upgradeStarted: () => void = () => {}
    const started = new Promise<void>(resolve => { upgradeStarted = resolve })
    const upgrader = new TestUpgrader({
      inbound: async (_maConn, options) => {
        upgradeStarted()
        await new Promise((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
        })
      }
    })
    h = await listening('/ip4/127.0.0.1/tcp/0', {}, upgrader)
    const errorEvent = nextEvent<CustomEvent<Error>>(h.listener, 'error')
    const socket = await rawSocket(portOf(h))
    socket.on('error', () => {})
    socket.resume()
    await started
    await h.listener.close()
    expect((await errorEvent).detail.name).to.equal('AbortError')
    await socketClosed(socket)
    expect(h.listener.connectionCount).to.equal(0)
    h = undefined
  })
})
