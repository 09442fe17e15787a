import { Server, createServer } from 'node:net'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { TestUpgrader } from './fixtures/upgrader.js'
import { createTransport, listening, nextEvent, openSockets, readAll } from './fixtures/util.js'
import type { RawConnection } from './fixtures/upgrader.js'
import type { Harness } from './fixtures/util.js'
import type { DialError, PeerId } from '@libp2p/interface'
import type { AddressInfo } from 'node:net'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

async function unusedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen({ host: '127.0.0.1', port: 0 }, resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

async function exchange ([a, b]: [RawConnection, RawConnection]): Promise<void> {
  a.maConn.send(Uint8Array.of(1, 2, 3))
  await a.maConn.closeWrite()
  expect(await readAll(b.maConn)).to.deep.equal(Uint8Array.of(1, 2, 3))
  b.maConn.send(Uint8Array.of(4, 5))
  await b.maConn.closeWrite()
  expect(await readAll(a.maConn)).to.deep.equal(Uint8Array.of(4, 5))
  expect(a.maConn.status).to.equal('closed')
  expect(b.maConn.status).to.equal('closed')
}

describe('TCP transport', () => {
  let h: Harness | undefined

  afterEach(async () => {
    await h?.close()
    h = undefined
  })

  describe('filters', () => {
    const transport = createTransport()

    it('dials ip4, ip6 and dns addresses with a port, optionally with a peer id', () => {
      const good = [
        '/ip4/127.0.0.1/tcp/4001', '/ip6/::1/tcp/4001', `/ip4/1.2.3.4/tcp/1/p2p/${PEER}`,
        '/dns4/example.com/tcp/443', '/dns6/example.com/tcp/443', '/dns/example.com/tcp/443'
      ].map(s => multiaddr(s))
      const bad = [
        '/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/udp/4001', '/ip4/127.0.0.1/tcp/4001/ws',
        '/ip4/127.0.0.1/udp/4001/quic-v1', '/dnsaddr/bootstrap.libp2p.io', `/ip4/127.0.0.1/tcp/1/p2p/${PEER}/p2p-circuit`,
        '/ip4/127.0.0.1'
      ].map(s => multiaddr(s))
      expect(transport.dialFilter([...good, ...bad])).to.deep.equal(good)
    })

    it('listens on ip4 and ip6 addresses only', () => {
      const good = ['/ip4/0.0.0.0/tcp/0', '/ip6/::/tcp/4001', '/ip4/127.0.0.1/tcp/1'].map(s => multiaddr(s))
      const bad = ['/dns4/localhost/tcp/1', `/ip4/127.0.0.1/tcp/1/p2p/${PEER}`, '/ip4/127.0.0.1/tcp/1/ws', '/ip4/0.0.0.0/udp/1'].map(s => multiaddr(s))
      expect(transport.listenFilter([...good, ...bad])).to.deep.equal(good)
    })
  })

  it('dials and listens on IPv4 loopback', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0')
    expect(h.addr.toString()).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/)
    const [out, inb] = await h.pair()
    expect(out.direction).to.equal('outbound')
    expect(inb.direction).to.equal('inbound')
    expect(out.maConn.direction).to.equal('outbound')
    expect(inb.maConn.direction).to.equal('inbound')
    expect(out.remoteAddr.equals(h.addr)).to.equal(true)
    expect(inb.remoteAddr.toString()).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/)
    await exchange([out, inb])
  })

  it('dials and listens on IPv6 loopback', async () => {
    h = await listening('/ip6/::1/tcp/0')
    expect(h.addr.toString()).to.match(/^\/ip6\/::1\/tcp\/\d+$/)
    const [out, inb] = await h.pair()
    expect(inb.remoteAddr.toString()).to.match(/^\/ip6\/::1\/tcp\/\d+$/)
    await exchange([out, inb])
  })

  it('dials a /dns4 name (resolved by node:net) and keeps a /p2p suffix in remoteAddr', async () => {
    h = await listening('/ip4/127.0.0.1/tcp/0')
    const port = h.addr.getComponents()[1].value ?? ''
    const inbound = nextEvent<CustomEvent<RawConnection>>(h.listener, 'connection')
    const target = multiaddr(`/dns4/localhost/tcp/${port}/p2p/${PEER}`)
    const out = await h.transport.dial(target, { upgrader: h.upgrader, signal: AbortSignal.timeout(10_000) }) as RawConnection
    expect(out.remoteAddr.equals(target)).to.equal(true)
    await exchange([out, (await inbound).detail])
  })

  it('passes the dial signal and the expected remote peer to the outbound upgrade', async () => {
    h = await listening()
    const signal = new AbortController().signal
    const remotePeer = { toString: () => PEER } as unknown as PeerId
    const out = await h.transport.dial(h.addr, { upgrader: h.upgrader, signal, remotePeer }) as RawConnection
    expect(out.options?.signal).to.equal(signal)
    expect(out.options?.remotePeer).to.equal(remotePeer)
    out.abort(new Error('done'))
  })

  it('rejects an address it cannot dial with InvalidMultiaddrError', async () => {
    const transport = createTransport()
    await expect(transport.dial(multiaddr('/ip4/127.0.0.1/udp/1'), { upgrader: new TestUpgrader(), signal: AbortSignal.timeout(10_000) }))
      .to.eventually.be.rejected.with.property('name', 'InvalidMultiaddrError')
  })

  it('fails a dial to a closed port with DialError carrying ECONNREFUSED', async () => {
    const transport = createTransport()
    const port = await unusedPort()
    const err = await transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${port}`), { upgrader: new TestUpgrader(), signal: AbortSignal.timeout(10_000) })
      .then(() => undefined, (e: DialError) => e)
    expect(err?.name).to.equal('DialError')
    expect((err?.errors[0] as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED')
  })

  it('closes the socket when the outbound upgrade fails and rethrows its error', async () => {
    h = await listening()
    const before = openSockets()
    const inbound = nextEvent<CustomEvent<RawConnection>>(h.listener, 'connection')
    const failing = new TestUpgrader({ outbound: () => { throw new TypeError('no thanks') } })
    await expect(h.transport.dial(h.addr, { upgrader: failing, signal: AbortSignal.timeout(10_000) })).to.eventually.be.rejected.with.property('name', 'TypeError')
    const remote = (await inbound).detail
    await expect(remote.maConn.read()).to.eventually.be.rejected.with.property('name', 'StreamResetError')
    await until(() => openSockets() === before, 'the sockets to close')
  })

  describe('listener addresses', () => {
    it('reports nothing before listen()', () => {
      const listener = createTransport().createListener({ upgrader: new TestUpgrader() })
      expect(listener.getAddrs()).to.deep.equal([])
    })

    it('expands 0.0.0.0 into the IPv4 interface addresses with the bound port', async () => {
      h = await listening('/ip4/0.0.0.0/tcp/0')
      const addrs = h.listener.getAddrs().map(a => a.toString())
      const port = h.addr.getComponents()[1].value
      expect(addrs).to.include(`/ip4/127.0.0.1/tcp/${port}`)
      for (const a of addrs) { expect(a).to.match(new RegExp(`^/ip4/[0-9.]+/tcp/${port}$`)) }
    })

    it('expands :: into the IPv6 interface addresses, and binds next to 0.0.0.0 on the same port', async () => {
      h = await listening('/ip4/0.0.0.0/tcp/0')
      const port = h.addr.getComponents()[1].value ?? ''
      const v6 = createTransport().createListener({ upgrader: new TestUpgrader() })
      await v6.listen(multiaddr(`/ip6/::/tcp/${port}`))
      try {
        const addrs = v6.getAddrs().map(a => a.toString())
        expect(addrs).to.include(`/ip6/::1/tcp/${port}`)
        for (const a of addrs) { expect(a).to.match(new RegExp(`^/ip6/[0-9a-f:]+/tcp/${port}$`)) }
      } finally {
        await v6.close()
      }
    })
  })

  describe('listener lifecycle', () => {
    it('emits listening and close, and reports no addresses after close', async () => {
      const listener = createTransport().createListener({ upgrader: new TestUpgrader() })
      const events: string[] = []
      listener.addEventListener('listening', () => events.push('listening'))
      listener.addEventListener('close', () => events.push('close'))
      await listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0'))
      expect(listener.getAddrs()).to.have.length(1)
      await listener.close()
      await listener.close() // idempotent
      expect(events).to.deep.equal(['listening', 'close'])
      expect(listener.getAddrs()).to.deep.equal([])
    })

    it('fails with ListenError on an address in use, and on a second listen()', async () => {
      h = await listening()
      const other = createTransport().createListener({ upgrader: new TestUpgrader() })
      await expect(other.listen(h.addr)).to.eventually.be.rejected.with.property('name', 'ListenError')
      await other.close()
      await expect(h.listener.listen(multiaddr('/ip4/127.0.0.1/tcp/0'))).to.eventually.be.rejected.with.property('name', 'ListenError')
    })

    it('binds with the configured backlog, IPv6 sockets v6-only', async () => {
      const calls: any[] = []
      const { listen } = Server.prototype
      Server.prototype.listen = function (this: Server, ...args: any[]) { calls.push(args[0]); return listen.apply(this, args as any) } as any
      try {
        h = await listening('/ip6/::1/tcp/0', { backlog: 17 })
      } finally {
        Server.prototype.listen = listen
      }
      expect(calls).to.have.length(1)
      expect(calls[0]).to.include({ host: '::1', port: 0, backlog: 17, ipv6Only: true })
    })

    it('rejects a non-TCP listen address with InvalidMultiaddrError', async () => {
      const listener = createTransport().createListener({ upgrader: new TestUpgrader() })
      await expect(listener.listen(multiaddr('/ip4/127.0.0.1/udp/0'))).to.eventually.be.rejected.with.property('name', 'InvalidMultiaddrError')
    })
  })
})
