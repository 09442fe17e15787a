import { connect as netConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { InvalidMessageError, TimeoutError } from '@libp2p/interface'
import { RecordingUpgrader, rawConnection } from '@libp2p/interface-compliance-tests/transport'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { WebSocket } from 'ws'
import { CERT } from './fixtures/tls.js'
import { createTransport, listening, nextEvent, openSockets, readAll, socketClosed } from './fixtures/util.js'
import type { Harness } from './fixtures/util.js'
import type { Connection, MultiaddrConnection, UpgraderOptions } from '@libp2p/interface'
import type { Socket } from 'node:net'

/** the whole HTTP response to `request` on a fresh socket, read until the server closes */
async function rawHttp (port: number, request: string, secure = false): Promise<string> {
  const socket: Socket = secure ? tlsConnect({ host: '127.0.0.1', port, ca: CERT }) : netConnect({ host: '127.0.0.1', port })
  socket.on('error', () => {})
  socket.write(request)
  let text = ''
  for await (const chunk of socket) { text += String(chunk) }
  return text
}

const UPGRADE = (port: number): string =>
  `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n`

/**
 * A RecordingUpgrader whose inbound upgrade first runs a tiny byte protocol: the dialer must send
 * `0x13` then three bytes within 2 s, as an encrypter's first message would have to arrive
 */
class ByteProtocolUpgrader extends RecordingUpgrader {
  async upgradeInbound (maConn: MultiaddrConnection, options?: UpgraderOptions): Promise<Connection> {
    const signal = AbortSignal.any([AbortSignal.timeout(2_000), ...(options?.signal == null ? [] : [options.signal])])
    const got = await maConn.read({ signal }).catch((err: Error) => {
      throw err.name === 'AbortError' || err.name === 'TimeoutError' ? new TimeoutError('no handshake within 2 s') : err
    })
    if (got == null || got.byteLength < 4 || got.get(0) !== 0x13) { throw new InvalidMessageError('not our protocol') }
    return super.upgradeInbound(maConn, options)
  }
}

/** a raw `ws` client to the listener, for sending what our transport never would */
async function wsClient (port: number, secure = false): Promise<WebSocket> {
  const ws = new WebSocket(`${secure ? 'wss' : 'ws'}://127.0.0.1:${port}/`, { ca: CERT, perMessageDeflate: false })
  ws.on('error', () => {})
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('close', reject)
  })
  return ws
}

async function wsClosed (ws: WebSocket): Promise<number> {
  return new Promise(resolve => ws.once('close', (code: number) => { resolve(code) }))
}

describe('WebSockets listener: bad input', () => {
  let h: Harness | undefined

  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  const secureOrNot = [false, true]
  secureOrNot.forEach((secure) => {
    const scheme = secure ? 'wss' : 'ws'

    it(`${scheme}: answers a plain GET with 426, a broken upgrade with 400, and keeps serving`, async () => {
      h = await listening(`/ip4/127.0.0.1/tcp/0/${scheme}`)
      const get = await rawHttp(h.port, 'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n', secure)
      expect(get).to.match(/^HTTP\/1\.1 426 Upgrade Required\r\n/)
      expect(get.toLowerCase()).to.include('upgrade: websocket')
      const noKey = await rawHttp(h.port, `${UPGRADE(h.port)}\r\n`, secure)
      expect(noKey).to.match(/^HTTP\/1\.1 400 /)
      const post = await rawHttp(h.port, 'POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 0\r\n\r\n', secure)
      expect(post).to.match(/^HTTP\/1\.1 405 /)
      const h2c = await rawHttp(h.port, 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n', secure)
      expect(h2c).to.match(/^HTTP\/1\.1 400 /)
      const garbage = await rawHttp(h.port, '\x16\x03\x01garbage\r\n\r\n', secure)
      expect(garbage).to.match(/^(HTTP\/1\.1 400 |$)/)
      expect(h.upgrader.inbound).to.have.length(0)

      const [out, inb] = await h.pair()
      out.send(Uint8Array.of(1))
      expect((await inb.read())?.subarray()).to.deep.equal(Uint8Array.of(1))
    })
  })

  it('ws: creates its server with the `http` options (maxHeaderSize)', async () => {
    const request = `GET / HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(2048)}\r\n\r\n`
    h = await listening('/ip4/127.0.0.1/tcp/0/ws')
    expect(await rawHttp(h.port, request)).to.match(/^HTTP\/1\.1 426 /)
    await h.close()
    h = await listening('/ip4/127.0.0.1/tcp/0/ws', { http: { maxHeaderSize: 1024 } })
    expect(await rawHttp(h.port, request)).to.match(/^HTTP\/1\.1 431 /)
    const [out, inb] = await h.pair()
    out.send(Uint8Array.of(1))
    expect((await inb.read())?.subarray()).to.deep.equal(Uint8Array.of(1))
  })

  it('closes a TCP connection that sends nothing or half a request within handshakeTimeout; upgraded ones are exempt', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0/ws', { handshakeTimeout: 100 })
    // upgraded before the others connect: had its deadline not been cleared, it would fire first
    const [out, inb] = await h.pair()
    const silent = netConnect({ host: '127.0.0.1', port: h.port })
    silent.on('error', () => {})
    silent.resume()
    const halfRequest = netConnect({ host: '127.0.0.1', port: h.port })
    halfRequest.on('error', () => {})
    halfRequest.resume()
    halfRequest.write(UPGRADE(h.port)) // headers never finished
    await Promise.all([socketClosed(silent), socketClosed(halfRequest)])
    expect(h.upgrader.inbound).to.have.length(1)
    out.send(Uint8Array.of(2))
    expect((await inb.read())?.subarray()).to.deep.equal(Uint8Array.of(2))
    expect(inb.status).to.equal('open')
  })

  it('wss: closes a connection that never starts TLS, or never sends a request after it, within handshakeTimeout', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0/wss', { handshakeTimeout: 100 })
    const silent = netConnect({ host: '127.0.0.1', port: h.port })
    silent.on('error', () => {})
    silent.resume()
    const tlsOnly = tlsConnect({ host: '127.0.0.1', port: h.port, ca: CERT })
    tlsOnly.on('error', () => {})
    tlsOnly.resume()
    await new Promise(resolve => tlsOnly.once('secureConnect', resolve))
    await Promise.all([socketClosed(silent), socketClosed(tlsOnly)])
    expect(h.upgrader.inbound).to.have.length(0)
  })

  it('close() during listen() leaves nothing bound', async () => {
    const transport = createTransport()
    const listener = transport.createListener({ upgrader: new RecordingUpgrader() })
    const listen = listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0/ws'))
    await listener.close()
    await expect(listen).to.eventually.be.rejected.with.property('name', 'ListenError')
    expect(listener.getAddrs()).to.deep.equal([])
  })

  it('a client that upgrades and sends garbage fails in the upgrader; the listener reports it and keeps serving', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0/ws', {}, new ByteProtocolUpgrader())
    const errors: Error[] = []
    h.listener.addEventListener('error', (evt) => errors.push(evt.detail))
    const ws = await wsClient(h.port)
    const closed = wsClosed(ws)
    ws.send(new Uint8Array(1000).fill(0xff))
    expect(await closed).to.equal(1006) // dropped without a close frame: a reset
    await until(() => errors.length === 1, 'the error event')
    expect(errors[0].name).to.equal('InvalidMessageError')
    expect(h.listener.connectionCount).to.equal(0)

    // a well-behaved client still gets through
    const out = rawConnection(await h.transport.dial(h.addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
    out.send(Uint8Array.of(0x13, 0, 0, 0))
    expect((await h.upgrader.waitFor('inbound', 1)).status).to.equal('open')
    out.abort(new Error('done'))
  })

  it('a client that upgrades and sends nothing fails in the upgrader when its handshake times out', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0/ws', {}, new ByteProtocolUpgrader())
    const errorEvent = nextEvent<CustomEvent<Error>>(h.listener, 'error')
    const ws = await wsClient(h.port)
    const closed = wsClosed(ws)
    expect((await errorEvent).detail.name).to.equal('TimeoutError')
    expect(await closed).to.equal(1006)
  })

  it('closes a connection that sends a message over maxMessageSize with 1009 and MessageTooLargeError; others are unaffected', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0/ws', { maxMessageSize: 1024 })
    const [out, inb] = await h.pair()
    const ws = await wsClient(h.port)
    const victim = await h.upgrader.waitFor('inbound', 2)
    const victimClosed = nextEvent<CustomEvent<{ error?: Error }>>(victim, 'close')
    const clientClosed = wsClosed(ws)
    ws.send(new Uint8Array(1025))
    expect((await victimClosed).detail.error?.name).to.equal('MessageTooLargeError')
    expect(victim.status).to.equal('aborted')
    expect(await clientClosed).to.equal(1009)

    // exactly the limit passes, on the other connection
    out.send(new Uint8Array(1024))
    expect((await inb.read())?.byteLength).to.equal(1024)
  })

  it('closes a connection that sends an invalid frame with InvalidMessageError', async () => {
    h = await listening()
    const socket = netConnect({ host: '127.0.0.1', port: h.port })
    socket.on('error', () => {})
    socket.write(`${UPGRADE(h.port)}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)
    const inb = await h.upgrader.waitFor('inbound', 1)
    const closed = nextEvent<CustomEvent<{ error?: Error }>>(inb, 'close')
    // an unmasked frame from a client, with reserved opcode 0x3
    socket.write(Uint8Array.of(0x83, 0x01, 0x00))
    expect((await closed).detail.error?.name).to.equal('InvalidMessageError')
    socket.resume()
    await socketClosed(socket)
  })

  it('accepts text messages as their bytes', async () => {
    h = await listening()
    const ws = await wsClient(h.port)
    const inb = await h.upgrader.waitFor('inbound', 1)
    ws.send('hi')
    expect((await inb.read())?.subarray()).to.deep.equal(Uint8Array.of(0x68, 0x69))
    ws.close()
    expect(await readAll(inb)).to.deep.equal(new Uint8Array(0))
  })

  it('answers upgrades beyond maxConnections with 503, counts them and keeps serving', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0/ws', { maxConnections: 2 })
    const [a] = await h.pair()
    await h.pair()
    expect(h.listener.connectionCount).to.equal(2)
    const refused = await rawHttp(h.port, `${UPGRADE(h.port)}Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`)
    expect(refused).to.match(/^HTTP\/1\.1 503 /)
    expect(h.listener.droppedConnections).to.equal(1)
    await expect(h.pair()).to.eventually.be.rejected.with.property('name', 'DialError')

    // a freed slot is usable again
    const remote = h.upgrader.inbound[0]
    const remoteClosed = nextEvent(remote, 'close')
    a.abort(new Error('make room'))
    await remoteClosed
    await until(() => h?.listener.connectionCount === 1, 'the slot to be freed')
    const [c, d] = await h.pair()
    c.send(Uint8Array.of(42))
    expect((await d.read())?.subarray()).to.deep.equal(Uint8Array.of(42))
  })

  it('close() aborts upgrades in flight, reports them, and leaves no socket open', async () => {
    let started: () => void = () => {}
    const upgradeStarted = new Promise<void>(resolve => { started = resolve })
    class Holding extends RecordingUpgrader {
      async upgradeInbound (maConn: MultiaddrConnection, options?: UpgraderOptions): Promise<Connection> {
        started()
        await new Promise((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
        })
        return super.upgradeInbound(maConn, options)
      }
    }
    const before = openSockets()
    h = await listening('/ip4/127.0.0.1/tcp/0/ws', {}, new Holding())
    const errorEvent = nextEvent<CustomEvent<Error>>(h.listener, 'error')
    const ws = await wsClient(h.port)
    const closed = wsClosed(ws)
    await upgradeStarted
    await h.listener.close()
    expect((await errorEvent).detail.name).to.equal('AbortError')
    await closed
    expect(h.listener.connectionCount).to.equal(0)
    await until(() => openSockets() === before, 'the sockets to close')
    h = undefined
  })
})
