import { connect, createServer } from 'node:net'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { createTransport, listening } from './fixtures/util.js'
import type { Harness } from './fixtures/util.js'
import type { CloseServerOnMaxConnectionsOpts, TCPOptions } from '../src/index.js'
import type { Server } from 'node:net'

function portOf (h: Harness): number {
  return Number(h.addr.getComponents()[1].value)
}

/** connects to 127.0.0.1:port; resolves with the error code, or 'connected' */
async function tryConnect (port: number): Promise<string> {
  return new Promise(resolve => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (err: NodeJS.ErrnoException) => { resolve(err.code ?? err.name) })
  })
}

/** a plain server bound to 127.0.0.1:port; rejects if the port is taken */
async function bindPort (port: number): Promise<Server> {
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port }, () => { resolve() })
  })
  return server
}

async function closeServer (server: Server): Promise<void> {
  await new Promise(resolve => server.close(resolve))
}

function opts (limits: CloseServerOnMaxConnectionsOpts, more: TCPOptions = {}): TCPOptions {
  return { closeServerOnMaxConnections: limits, ...more }
}

describe('TCP listener closeServerOnMaxConnections', () => {
  let h: Harness | undefined
  let blocker: Server | undefined

  afterEach(async () => {
    if (blocker?.listening === true) { await closeServer(blocker) }
    blocker = undefined
    await h?.close()
    h = undefined
  })

  it('refuses connects from closeAbove connections on and accepts again on the same port below listenBelow', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0', opts({ listenBelow: 2, closeAbove: 3 }))
    const port = portOf(h)
    const events: string[] = []
    h.listener.addEventListener('listening', () => events.push('listening'))
    h.listener.addEventListener('close', () => events.push('close'))

    const pairs = [await h.pair(), await h.pair()]
    expect(h.listener.paused).to.equal(false)

    pairs.push(await h.pair())
    expect(h.listener.connectionCount).to.equal(3)
    expect(h.listener.paused).to.equal(true)
    expect(await tryConnect(port)).to.equal('ECONNREFUSED')
    // the address stays reported, and the existing connections keep working
    expect(h.listener.getAddrs().map(String)).to.deep.equal([h.addr.toString()])
    pairs[0][0].maConn.send(Uint8Array.of(7))
    expect((await pairs[0][1].maConn.read())?.subarray()).to.deep.equal(Uint8Array.of(7))

    // 2 open: not below listenBelow yet
    pairs[0][1].abort(new Error('test closes it'))
    await until(() => h?.listener.connectionCount === 2, 'the first connection to close')
    expect(h.listener.paused).to.equal(true)
    expect(await tryConnect(port)).to.equal('ECONNREFUSED')

    // 1 open: listens again on the same port
    pairs[1][1].abort(new Error('test closes it'))
    await until(() => h?.listener.paused === false, 'the listener to listen again')
    expect(h.listener.getAddrs().map(String)).to.deep.equal([h.addr.toString()])
    const [out, inb] = await h.pair()
    out.maConn.send(Uint8Array.of(8))
    expect((await inb.maConn.read())?.subarray()).to.deep.equal(Uint8Array.of(8))
    expect(h.listener.paused).to.equal(false)

    // and pauses again at closeAbove
    await h.pair()
    expect(h.listener.connectionCount).to.equal(3)
    expect(h.listener.paused).to.equal(true)
    expect(await tryConnect(port)).to.equal('ECONNREFUSED')
    // a pause or a resume is not the listener closing or starting
    expect(events).to.deep.equal([])
    expect(h.listener.droppedConnections).to.equal(0)
  })

  it('reports a failed re-listen to onListenError, stays paused and tries again at the next close', async () => {
    const errors: Error[] = []
    let failed: () => void = () => {}
    const failure = new Promise<void>(resolve => { failed = resolve })
    h = await listening('/ip4/127.0.0.1/tcp/0', opts({
      listenBelow: 2,
      closeAbove: 3,
      onListenError: (err) => {
        errors.push(err)
        failed()
        // a throwing callback is logged, never thrown out of the close handler
        throw new TypeError('the callback fails too')
      }
    }))
    const port = portOf(h)
    const pairs = [await h.pair(), await h.pair(), await h.pair()]
    expect(h.listener.paused).to.equal(true)

    // another socket takes the port meanwhile
    blocker = await bindPort(port)
    pairs[0][1].abort(new Error('test closes it'))
    pairs[1][1].abort(new Error('test closes it'))
    await failure
    expect(errors).to.have.length(1)
    expect(errors[0].name).to.equal('ListenError')
    expect((errors[0].cause as NodeJS.ErrnoException).code).to.equal('EADDRINUSE')
    expect(h.listener.paused).to.equal(true)
    expect(h.listener.getAddrs().map(String)).to.deep.equal([h.addr.toString()])

    // the port is free again; the next close below listenBelow re-listens
    await closeServer(blocker)
    pairs[2][1].abort(new Error('test closes it'))
    await until(() => h?.listener.paused === false, 'the listener to listen again')
    expect(h.listener.connectionCount).to.equal(0)
    const [out, inb] = await h.pair()
    out.maConn.send(Uint8Array.of(9))
    expect((await inb.maConn.read())?.subarray()).to.deep.equal(Uint8Array.of(9))
    expect(errors).to.have.length(1)
  })

  it('close() while paused or re-listening closes the connections and frees the port', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0', opts({ listenBelow: 3, closeAbove: 3 }, { listenerCloseTimeout: 0 }))
    const port = portOf(h)
    const pairs = [await h.pair(), await h.pair(), await h.pair()]
    expect(h.listener.paused).to.equal(true)
    const closed = new Promise(resolve => { h?.listener.addEventListener('close', resolve, { once: true }) })
    // the close below listenBelow starts a re-listen, still in flight when close() runs
    pairs[0][1].abort(new Error('test closes it'))
    await h.listener.close()
    await closed
    expect(h.listener.getAddrs()).to.deep.equal([])
    for (const [, inb] of pairs) { expect(inb.maConn.status).to.be.oneOf(['aborted', 'closed']) }
    expect(await tryConnect(port)).to.equal('ECONNREFUSED')
    blocker = await bindPort(port)
    await h.close()
    h = undefined
  })

  it('leaves refusing to maxConnections when it is the lower limit', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0', opts({ listenBelow: 2, closeAbove: 3 }, { maxConnections: 2 }))
    await h.pair()
    await h.pair()
    const socket = connect({ host: '127.0.0.1', port: portOf(h) })
    socket.on('error', () => {})
    socket.resume()
    await new Promise(resolve => socket.once('close', resolve))
    expect(h.listener.droppedConnections).to.equal(1)
    expect(h.listener.connectionCount).to.equal(2)
    expect(h.listener.paused).to.equal(false)
  })

  it('rejects bad values with InvalidParametersError', () => {
    const bad: Array<Partial<CloseServerOnMaxConnectionsOpts>> = [
      { listenBelow: 3, closeAbove: 2 },
      { listenBelow: 0, closeAbove: 2 },
      { listenBelow: -1, closeAbove: 2 },
      { listenBelow: 1.5, closeAbove: 2 },
      { listenBelow: 1, closeAbove: Infinity },
      { listenBelow: Number.NaN, closeAbove: 2 },
      { closeAbove: 2 },
      { listenBelow: 1 },
      { listenBelow: '1' as unknown as number, closeAbove: 2 },
      { listenBelow: 1, closeAbove: 2, onListenError: 'log' as unknown as () => void }
    ]
    for (const limits of bad) {
      expect(() => createTransport(opts(limits as CloseServerOnMaxConnectionsOpts)), JSON.stringify(limits))
        .to.throw().with.property('name', 'InvalidParametersError')
    }
    // js-libp2p accepts equal limits (pause at N, listen again at N - 1)
    expect(() => createTransport(opts({ listenBelow: 2, closeAbove: 2 }))).to.not.throw()
    expect(() => createTransport(opts({ listenBelow: 1, closeAbove: 2, onListenError: () => {} }))).to.not.throw()
  })
})
