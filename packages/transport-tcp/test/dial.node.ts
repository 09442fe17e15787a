import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { TestUpgrader } from './fixtures/upgrader.js'
import { createTransport, listening, nextEvent, openSockets, unresponsiveServer } from './fixtures/util.js'
import type { RawConnection } from './fixtures/upgrader.js'
import type { Unresponsive } from './fixtures/util.js'

describe('TCP dial: timeouts and aborts', () => {
  let server: Unresponsive

  before(async () => {
    server = await unresponsiveServer()
  })

  after(() => {
    server.close()
  })

  it('gives up with TimeoutError when the handshake does not complete, leaving no socket', async () => {
    const transport = createTransport({ dialTimeout: 100 })
    const before = openSockets()
    await expect(transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${server.port}`), { upgrader: new TestUpgrader(), signal: AbortSignal.timeout(10_000) }))
      .to.eventually.be.rejected.with.property('name', 'TimeoutError')
    await until(() => openSockets() === before, 'the socket to close')
  })

  it('aborts an in-flight dial through its signal with AbortError, leaving no socket', async () => {
    const transport = createTransport({ dialTimeout: 0 })
    const upgrader = new TestUpgrader()
    const before = openSockets()
    const controller = new AbortController()
    const dialling = transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${server.port}`), { upgrader, signal: controller.signal })
    await until(() => openSockets() === before + 1, 'the connect to start')
    controller.abort()
    await expect(dialling).to.eventually.be.rejected.with.property('name', 'AbortError')
    await until(() => openSockets() === before, 'the socket to close')
    expect(upgrader.outbound).to.have.length(0)
  })

  it('surfaces the signal reason when it is an error (AbortSignal.timeout gives TimeoutError)', async () => {
    const transport = createTransport({ dialTimeout: 0 })
    await expect(transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${server.port}`), { upgrader: new TestUpgrader(), signal: AbortSignal.timeout(20) }))
      .to.eventually.be.rejected.with.property('name', 'TimeoutError')
  })

  it('does not open a socket when the signal is already aborted', async () => {
    const transport = createTransport()
    const before = openSockets()
    const controller = new AbortController()
    controller.abort()
    const dialling = transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${server.port}`), { upgrader: new TestUpgrader(), signal: controller.signal })
    expect(openSockets()).to.equal(before)
    await expect(dialling).to.eventually.be.rejected.with.property('name', 'AbortError')
  })

  it('aborting during the upgrade closes the socket', async () => {
    const h = await listening()
    try {
      const before = openSockets()
      const controller = new AbortController()
      const upgrader = new TestUpgrader({
        outbound: async (_maConn, options) => {
          controller.abort()
          options?.signal?.throwIfAborted()
        }
      })
      const inbound = nextEvent<CustomEvent<RawConnection>>(h.listener, 'connection')
      await expect(h.transport.dial(h.addr, { upgrader, signal: controller.signal })).to.eventually.be.rejected.with.property('name', 'AbortError')
      const remote = (await inbound).detail
      await expect(remote.maConn.read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
      await until(() => openSockets() === before, 'the sockets to close')
    } finally {
      await h.close()
    }
  })
})
