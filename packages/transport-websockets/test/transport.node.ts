import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer as createHttpServer, get as httpGet } from 'node:http'
import { createServer as createHttpsServer, get as httpsGet } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { RecordingUpgrader, rawConnection } from '@libp2p/interface-compliance-tests/transport'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { CERT, KEY } from './fixtures/tls.js'
import { createTlsTransport, createTransport, listening, readAll } from './fixtures/util.js'
import type { Harness } from './fixtures/util.js'
import type { WebSocketsListener } from '../src/index.js'
import type { MultiaddrConnection, PeerId } from '@libp2p/interface'
import type { IncomingMessage, Server } from 'node:http'
import type { Server as HttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

/** bytes both ways, each direction ended by the remote reading everything first */
async function exchange (out: MultiaddrConnection, inb: MultiaddrConnection): Promise<void> {
  out.send(Uint8Array.of(1, 2, 3))
  expect((await inb.read())?.subarray()).to.deep.equal(Uint8Array.of(1, 2, 3))
  inb.send(Uint8Array.of(4, 5))
  expect((await out.read())?.subarray()).to.deep.equal(Uint8Array.of(4, 5))
  await out.close()
  expect(await readAll(inb)).to.deep.equal(new Uint8Array(0))
  expect(out.status).to.equal('closed')
  expect(inb.status).to.equal('closed')
}

async function body (res: IncomingMessage): Promise<string> {
  let text = ''
  for await (const chunk of res) { text += String(chunk) }
  return text
}

async function get (url: string): Promise<{ status?: number, headers: IncomingMessage['headers'], text: string }> {
  const secure = url.startsWith('https:')
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsGet : httpGet)(url, secure ? { ca: CERT } : {}, (res) => {
      body(res).then(text => { resolve({ status: res.statusCode, headers: res.headers, text }) }, reject)
    })
    req.on('error', reject)
  })
}

async function listenOn (server: Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>(resolve => server.listen({ host, port: 0 }, resolve))
  return (server.address() as AddressInfo).port
}

describe('WebSockets transport (Node)', () => {
  let h: Harness | undefined

  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  describe('address forms', () => {
    it('listens on ws over IPv4 and publishes /ws', async () => {
      h = await listening('/ip4/127.0.0.1/tcp/0/ws')
      expect(h.addr.toString()).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws$/)
      const [out, inb] = await h.pair()
      expect(out.remoteAddr.equals(h.addr)).to.equal(true)
      expect(inb.remoteAddr.toString()).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws$/)
      await exchange(out, inb)
    })

    it('listens on ws over IPv6', async () => {
      h = await listening('/ip6/::1/tcp/0/ws')
      expect(h.addr.toString()).to.match(/^\/ip6\/::1\/tcp\/\d+\/ws$/)
      const [out, inb] = await h.pair()
      expect(inb.remoteAddr.toString()).to.match(/^\/ip6\/::1\/tcp\/\d+\/ws$/)
      await exchange(out, inb)
    })

    const forms = ['wss', 'tls/ws']
    forms.forEach((form) => {
      it(`listens on /${form} and publishes /tls/ws; the remote address of an inbound connection is /tls/ws`, async () => {
        h = await listening(`/ip4/127.0.0.1/tcp/0/${form}`)
        expect(h.addr.toString()).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/tls\/ws$/)
        const [out, inb] = await h.pair()
        expect(inb.remoteAddr.toString()).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/tls\/ws$/)
        await exchange(out, inb)
      })
    })

    it('dials a wss listener as /wss, /tls/ws, /tls/sni/localhost/ws, /dns4/localhost/.../wss, with /p2p', async () => {
      h = await listening('/ip4/127.0.0.1/tcp/0/wss')
      const forms = [
        `/ip4/127.0.0.1/tcp/${h.port}/wss`,
        `/ip4/127.0.0.1/tcp/${h.port}/tls/ws`,
        `/ip4/127.0.0.1/tcp/${h.port}/tls/sni/localhost/ws`,
        `/dns4/localhost/tcp/${h.port}/wss/p2p/${PEER}`,
        `/dns/localhost/tcp/${h.port}/tls/ws`,
        `/ip4/127.0.0.1/tcp/${h.port}/wss/http-path/libp2p%2Fws`
      ]
      for (const form of forms) {
        const target = multiaddr(form)
        const before = h.upgrader.inbound.length
        const out = rawConnection(await h.transport.dial(target, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
        const inb = await h.upgrader.waitFor('inbound', before + 1)
        expect(out.remoteAddr.equals(target), form).to.equal(true)
        await exchange(out, inb)
      }
    })

    it('fails a /tls/sni dial whose name the certificate does not cover', async () => {
      h = await listening('/ip4/127.0.0.1/tcp/0/wss')
      await expect(h.transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${h.port}/tls/sni/example.com/ws`), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
        .to.eventually.be.rejected.with.property('name', 'DialError')
    })

    it('onHttpsServer: gets each https.Server a wss listener creates; a certificate set on it serves the next handshakes', async () => {
      const servers: HttpsServer[] = []
      h = await listening('/ip4/127.0.0.1/tcp/0/wss', { onHttpsServer: (server) => { servers.push(server) } })
      expect(servers).to.have.lengthOf(1)
      expect((servers[0].address() as AddressInfo).port).to.equal(h.port)
      const dir = await mkdtemp(join(tmpdir(), 'ws-cert-'))
      try {
        await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
          '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'b.key'), '-out', join(dir, 'b.crt')])
        const b = { cert: await readFile(join(dir, 'b.crt'), 'utf8'), key: await readFile(join(dir, 'b.key'), 'utf8') }
        servers[0].setSecureContext(b)
        const trustingB = createTransport({ tlsClientOptions: { ca: b.cert } })
        const before = h.upgrader.inbound.length
        const out = rawConnection(await trustingB.dial(h.addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
        await exchange(out, await h.upgrader.waitFor('inbound', before + 1))
        // the listener's first certificate is no longer served
        await expect(h.transport.dial(h.addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
          .to.eventually.be.rejected.with.property('name', 'DialError')
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
      // a ws listener creates an http.Server: not reported
      const ws = await listening('/ip4/127.0.0.1/tcp/0/ws', { onHttpsServer: (server) => { servers.push(server) } })
      await ws.close()
      expect(servers).to.have.lengthOf(1)
    })

    it('passes the dial signal and the expected remote peer to the outbound upgrade', async () => {
      h = await listening()
      const upgrader = new RecordingUpgrader()
      const signal = new AbortController().signal
      const remotePeer = { toString: () => PEER } as unknown as PeerId
      await h.transport.dial(h.addr, { upgrader, signal, remotePeer })
      expect(upgrader.outboundOptions[0]?.signal).to.equal(signal)
      expect(upgrader.outboundOptions[0]?.remotePeer).to.equal(remotePeer)
    })

    it('rejects addresses it cannot dial or listen on with InvalidMultiaddrError', async () => {
      const transport = createTransport()
      await expect(transport.dial(multiaddr('/ip4/127.0.0.1/tcp/1'), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
        .to.eventually.be.rejected.with.property('name', 'InvalidMultiaddrError')
      const listener = transport.createListener({ upgrader: new RecordingUpgrader() })
      await expect(listener.listen(multiaddr('/dns4/localhost/tcp/0/ws'))).to.eventually.be.rejected.with.property('name', 'InvalidMultiaddrError')
    })

    it('filters: dials every WebSocket form, listens on IP ones, leaves the rest', () => {
      const transport = createTransport()
      const addrs = ['/ip4/1.2.3.4/tcp/1/ws', '/ip6/::1/tcp/1/wss', '/dns/a.example/tls/ws', '/ip4/1.2.3.4/tcp/1/tls/sni/a.example/ws',
        '/ip4/1.2.3.4/tcp/1', '/dnsaddr/a.example', '/ip4/0.0.0.0/tcp/0/ws'].map(a => multiaddr(a))
      expect(transport.dialFilter(addrs).map(String)).to.deep.equal(['/ip4/1.2.3.4/tcp/1/ws', '/ip6/::1/tcp/1/wss', '/dns/a.example/tls/ws', '/ip4/1.2.3.4/tcp/1/tls/sni/a.example/ws'])
      expect(transport.listenFilter(addrs).map(String)).to.deep.equal(['/ip4/1.2.3.4/tcp/1/ws', '/ip6/::1/tcp/1/wss', '/ip4/0.0.0.0/tcp/0/ws'])
    })

    it('is a transport', () => {
      expect(createTransport()[Symbol.toStringTag]).to.equal('@libp2p/websockets')
    })
  })

  describe('listener addresses', () => {
    it('reports nothing before listen()', () => {
      expect(createTransport().createListener({ upgrader: new RecordingUpgrader() }).getAddrs()).to.deep.equal([])
    })

    it('expands 0.0.0.0 into the IPv4 interface addresses with the bound port', async () => {
      h = await listening('/ip4/0.0.0.0/tcp/0/ws')
      const addrs = h.listener.getAddrs().map(String)
      expect(addrs).to.include(`/ip4/127.0.0.1/tcp/${h.port}/ws`)
      for (const a of addrs) { expect(a).to.match(new RegExp(`^/ip4/[0-9.]+/tcp/${h.port}/ws$`)) }
    })

    it('expands :: into the IPv6 interface addresses, as /tls/ws for wss, next to 0.0.0.0 on the same port', async () => {
      h = await listening('/ip4/0.0.0.0/tcp/0/wss')
      const v6 = createTlsTransport().createListener({ upgrader: new RecordingUpgrader() })
      await v6.listen(multiaddr(`/ip6/::/tcp/${h.port}/wss`))
      try {
        const addrs = v6.getAddrs().map(String)
        expect(addrs).to.include(`/ip6/::1/tcp/${h.port}/tls/ws`)
        for (const a of addrs) { expect(a).to.match(new RegExp(`^/ip6/[0-9a-f:]+/tcp/${h.port}/tls/ws$`)) }
      } finally {
        await v6.close()
      }
    })

    it('emits listening and close, reports no addresses after close, and close() is idempotent', async () => {
      const listener = createTransport().createListener({ upgrader: new RecordingUpgrader() })
      const events: string[] = []
      listener.addEventListener('listening', () => events.push('listening'))
      listener.addEventListener('close', () => events.push('close'))
      await listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0/ws'))
      expect(listener.getAddrs()).to.have.length(1)
      await listener.close()
      await listener.close()
      expect(events).to.deep.equal(['listening', 'close'])
      expect(listener.getAddrs()).to.deep.equal([])
    })

    it('fails with ListenError on an address in use and on a second listen()', async () => {
      h = await listening()
      const other = createTransport().createListener({ upgrader: new RecordingUpgrader() })
      await expect(other.listen(multiaddr(`/ip4/127.0.0.1/tcp/${h.port}/ws`))).to.eventually.be.rejected.with.property('name', 'ListenError')
      await other.close()
      await expect(h.listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0/ws'))).to.eventually.be.rejected.with.property('name', 'ListenError')
    })

    it('refuses to listen on wss without a certificate, saying how to give one', async () => {
      const listener = createTransport().createListener({ upgrader: new RecordingUpgrader() })
      const err = await listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0/wss')).then(() => undefined, (e: Error) => e)
      expect(err?.name).to.equal('InvalidParametersError')
      expect(err?.message).to.include('https: { cert, key }')
      await listener.close()
    })
  })

  describe('a shared HTTP server', () => {
    const page = (_req: IncomingMessage, res: import('node:http').ServerResponse): void => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('metrics: ok\n')
    }

    it('binds a server that is not listening, serves its pages and WebSockets on one port, and closes it', async () => {
      const server = createHttpServer(page)
      const upgrader = new RecordingUpgrader()
      const transport = createTransport({ httpServer: server })
      const listener = transport.createListener({ upgrader }) as WebSocketsListener
      await listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0/ws'))
      const addr = listener.getAddrs()[0]
      const port = (server.address() as AddressInfo).port
      expect(addr.toString()).to.equal(`/ip4/127.0.0.1/tcp/${port}/ws`)

      const res = await get(`http://127.0.0.1:${port}/metrics`)
      expect(res.status).to.equal(200)
      expect(res.text).to.equal('metrics: ok\n')
      const out = rawConnection(await transport.dial(addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
      await exchange(out, await upgrader.waitFor('inbound', 1))
      // and pages still work afterwards
      expect((await get(`http://127.0.0.1:${port}/`)).status).to.equal(200)

      await listener.close()
      expect(server.listening).to.equal(false)
    })

    it('attaches to a server that already listens, and leaves it running on close', async () => {
      const server = createHttpServer(page)
      const port = await listenOn(server)
      try {
        const upgrader = new RecordingUpgrader()
        const transport = createTransport({ httpServer: server })
        const listener = transport.createListener({ upgrader })
        await listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0/ws'))
        expect(listener.getAddrs().map(String)).to.deep.equal([`/ip4/127.0.0.1/tcp/${port}/ws`])
        const out = rawConnection(await transport.dial(listener.getAddrs()[0], { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
        await exchange(out, await upgrader.waitFor('inbound', 1))
        await listener.close()
        expect(server.listening).to.equal(true)
        expect((await get(`http://127.0.0.1:${port}/`)).text).to.equal('metrics: ok\n')
        // the listener's upgrade handler is gone
        expect(server.listenerCount('upgrade')).to.equal(0)
      } finally {
        await new Promise(resolve => server.close(resolve))
      }
    })

    it('refuses a shared server listening on another port, and a second listener on one server', async () => {
      const server = createHttpServer(page)
      const port = await listenOn(server)
      try {
        const transport = createTransport({ httpServer: server })
        const wrongPort = transport.createListener({ upgrader: new RecordingUpgrader() })
        await expect(wrongPort.listen(multiaddr(`/ip4/127.0.0.1/tcp/${port + 1}/ws`))).to.eventually.be.rejected.with.property('name', 'ListenError')
        const first = transport.createListener({ upgrader: new RecordingUpgrader() })
        await first.listen(multiaddr(`/ip4/127.0.0.1/tcp/${port}/ws`))
        const second = transport.createListener({ upgrader: new RecordingUpgrader() })
        await expect(second.listen(multiaddr(`/ip4/127.0.0.1/tcp/${port}/ws`))).to.eventually.be.rejected.with.property('name', 'ListenError')
        await first.close()
      } finally {
        await new Promise(resolve => server.close(resolve))
      }
    })

    it('shares an https server for wss', async () => {
      const server = createHttpsServer({ cert: CERT, key: KEY }, page)
      const port = await listenOn(server)
      try {
        const upgrader = new RecordingUpgrader()
        const transport = createTransport({ httpsServer: server, tlsClientOptions: { ca: CERT } })
        const listener = transport.createListener({ upgrader })
        await listener.listen(multiaddr(`/ip4/127.0.0.1/tcp/${port}/tls/ws`))
        expect(listener.getAddrs().map(String)).to.deep.equal([`/ip4/127.0.0.1/tcp/${port}/tls/ws`])
        expect((await get(`https://127.0.0.1:${port}/`)).text).to.equal('metrics: ok\n')
        const out = rawConnection(await transport.dial(listener.getAddrs()[0], { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
        await exchange(out, await upgrader.waitFor('inbound', 1))
        await listener.close()
      } finally {
        await new Promise(resolve => server.close(resolve))
      }
    })
  })
})
