import { createServer } from 'node:http'
import { RecordingUpgrader } from '@libp2p/interface-compliance-tests/transport'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { CERT } from './fixtures/tls.js'
import { createTransport, listening, openSockets, readError, silentServer, socketsDropTo, unusedPort } from './fixtures/util.js'
import type { Harness } from './fixtures/util.js'
import type { DialError } from '@libp2p/interface'
import type { AddressInfo } from 'node:net'

describe('WebSockets dial', () => {
  let h: Harness | undefined

  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  describe('timeouts and aborts', () => {
    let silent: Awaited<ReturnType<typeof silentServer>>

    before(async () => {
      silent = await silentServer()
    })

    after(async () => {
      await silent.close()
    })

    const schemes = ['ws', 'tls/ws']
    schemes.forEach((scheme) => {
      it(`${scheme}: gives up with TimeoutError when the server never answers, leaving no socket`, async () => {
        const transport = createTransport({ handshakeTimeout: 100 })
        const before = openSockets()
        await expect(transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${silent.port}/${scheme}`), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
          .to.eventually.be.rejected.with.property('name', 'TimeoutError')
        // our socket, and the one the silent server accepted, once it sees the FIN
        await socketsDropTo(before + 1)
      })
    })

    it('aborts an in-flight dial through its signal with AbortError, leaving no socket', async () => {
      const transport = createTransport({ handshakeTimeout: 0 })
      const upgrader = new RecordingUpgrader()
      const controller = new AbortController()
      const accepted = silent.sockets.length
      const before = openSockets()
      const dialling = transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${silent.port}/ws`), { upgrader, signal: controller.signal })
      await until(() => silent.sockets.length === accepted + 1, 'the server to accept')
      controller.abort()
      await expect(dialling).to.eventually.be.rejected.with.property('name', 'AbortError')
      await until(() => openSockets() <= before + 1, 'the dialing socket to close')
      expect(upgrader.outbound).to.have.length(0)
    })

    it('surfaces the signal reason when it is an error (AbortSignal.timeout gives TimeoutError)', async () => {
      const transport = createTransport({ handshakeTimeout: 0 })
      await expect(transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${silent.port}/ws`), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(20) }))
        .to.eventually.be.rejected.with.property('name', 'TimeoutError')
    })

    it('does not open a socket when the signal is already aborted', async () => {
      const transport = createTransport()
      const before = openSockets()
      const controller = new AbortController()
      controller.abort()
      const dialling = transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${silent.port}/ws`), { upgrader: new RecordingUpgrader(), signal: controller.signal })
      expect(openSockets()).to.equal(before)
      await expect(dialling).to.eventually.be.rejected.with.property('name', 'AbortError')
    })
  })

  describe('failures', () => {
    it('fails a dial to a closed port with DialError carrying ECONNREFUSED', async () => {
      const port = await unusedPort()
      const err = await createTransport().dial(multiaddr(`/ip4/127.0.0.1/tcp/${port}/ws`), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
        .then(() => undefined, (e: DialError) => e)
      expect(err?.name).to.equal('DialError')
      expect((err?.errors[0] as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED')
    })

    it('fails with DialError when the server is plain HTTP that does not upgrade', async () => {
      const server = createServer((_req, res) => { res.writeHead(404).end() })
      await new Promise<void>(resolve => server.listen({ host: '127.0.0.1', port: 0 }, resolve))
      try {
        const port = (server.address() as AddressInfo).port
        const err = await createTransport().dial(multiaddr(`/ip4/127.0.0.1/tcp/${port}/ws`), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
          .then(() => undefined, (e: DialError) => e)
        expect(err?.name).to.equal('DialError')
        expect(err?.message).to.include('404')
      } finally {
        server.closeAllConnections()
        await new Promise(resolve => server.close(resolve))
      }
    })

    it('closes the WebSocket when the outbound upgrade fails and rethrows its error', async () => {
      h = await listening()
      const failing = new RecordingUpgrader()
      failing.upgradeOutbound = async () => { throw new TypeError('no thanks') }
      await expect(h.transport.dial(h.addr, { upgrader: failing, signal: AbortSignal.timeout(10_000) })).to.eventually.be.rejected.with.property('name', 'TypeError')
      const remote = await h.upgrader.waitFor('inbound', 1)
      expect((await readError(remote))?.name).to.equal('StreamResetError')
    })
  })

  describe('wss certificates', () => {
    it('rejects a certificate it does not trust with DialError', async () => {
      h = await listening('/ip4/127.0.0.1/tcp/0/wss')
      const err = await createTransport().dial(h.addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }).then(() => undefined, (e: DialError) => e)
      expect(err?.name).to.equal('DialError')
      expect((err?.errors[0] as NodeJS.ErrnoException).code).to.equal('DEPTH_ZERO_SELF_SIGNED_CERT')
    })

    it('accepts it with rejectUnauthorized: false (tests only), or with it as `ca`, over IPv4 and IPv6', async () => {
      h = await listening('/ip4/127.0.0.1/tcp/0/wss')
      await createTransport({ tlsClientOptions: { rejectUnauthorized: false } }).dial(h.addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
      await createTransport({ tlsClientOptions: { ca: CERT } }).dial(h.addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
      await h.close()
      h = await listening('/ip6/::1/tcp/0/tls/ws')
      await createTransport({ tlsClientOptions: { ca: CERT } }).dial(h.addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })
      expect(h.upgrader.inbound).to.have.length(1)
    })
  })
})
