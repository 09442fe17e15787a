import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { EventStream, httpGet, parsePrometheus, rawExchange, sampleSum, startHttpNode } from './fixtures/http-node.js'
import { relayClient, tempDirPerTest } from './fixtures/nodes.js'
import { BinProcess, runBin } from './fixtures/process.js'
import { mountTmpfs } from './fixtures/tmpfs.js'
import type { HttpNode } from './fixtures/http-node.js'
import type { AddressInfo } from 'node:net'

describe('libp2p node HTTP server', function () {
  this.timeout(60_000)
  let node: HttpNode | undefined
  const clients: Array<{ stop(): Promise<void> }> = []
  const streams: EventStream[] = []

  // before tempDirPerTest's, so each node has stopped before its data directory is removed
  afterEach(async () => {
    for (const s of streams.splice(0)) { s.close() }
    await Promise.all(clients.splice(0).map(async c => { await c.stop() }))
    await node?.proc.stop()
    node = undefined
  })
  const temp = tempDirPerTest('libp2p-http-')

  it('prints its status URL; /health is 200; /status.json and /events show a peer that connects and leaves, live', async () => {
    node = await startHttpNode(['--data-dir', temp.dir()])
    const health = await httpGet(node.port, '/health')
    expect(health.status).to.equal(200)
    expect(health.headers['content-type']).to.equal('application/json')
    const report = JSON.parse(health.body)
    expect(report).to.include({ healthy: true, listening: true })
    expect(report.datastore.writable).to.equal(true)

    const events = await EventStream.open(node.port)
    streams.push(events)
    const first = await events.next(() => true, 'any status')
    expect(first.peerId).to.equal(node.peerId)
    expect(first.addresses).to.include(node.tcpAddr)
    expect(first.connectionCount).to.equal(0)
    expect(first.dht.mode).to.equal('server')

    const client = await relayClient()
    clients.push(client)
    await client.services.ping.ping(multiaddr(node.tcpAddr))
    const me = client.peerId.toString()
    const connected = await events.next(s => s.connections.some((c: any) => c.remotePeer === me), 'the client is listed')
    const row = connected.connections.find((c: any) => c.remotePeer === me)
    expect(row).to.include({ direction: 'inbound', transport: 'tcp', relayed: false })
    expect(row.remoteAddr).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/)

    const json = JSON.parse((await httpGet(node.port, '/status.json')).body)
    expect(json.connections.map((c: any) => c.remotePeer)).to.include(me)
    expect(json.limits).to.include({ maxConnections: 2048, maxReservations: 1024, maxCircuits: 256 })

    await client.stop()
    await events.next(s => s.connectionCount === 0 && statusAfter(events, connected, s), 'the client is gone')
  })

  it('/status.json and /events list the connected peers, which of them holds a reservation, and the reservations', async () => {
    node = await startHttpNode(['--data-dir', temp.dir()])
    const events = await EventStream.open(node.port)
    streams.push(events)
    const plain = await relayClient()
    clients.push(plain)
    await plain.services.ping.ping(multiaddr(node.tcpAddr))
    const reserving = await relayClient([`${node.tcpAddr}/p2p-circuit`])
    clients.push(reserving)
    const [p, r] = [plain.peerId.toString(), reserving.peerId.toString()]
    const both = await events.next(s => s.reservations.some((x: any) => x.peerId === r) && s.peers.some((x: any) => x.peerId === p), 'both peers and the reservation are listed')
    expect(both).to.include({ peerCount: 2, reservationCount: 1 })
    expect(both.relay.reservations).to.equal(1)
    // the newest first
    expect(both.peers.map((x: any) => x.peerId)).to.deep.equal([r, p])
    const [reserver, other] = both.peers
    expect(reserver).to.include({ reservation: true, direction: 'inbound', connections: 1 })
    expect(reserver.remoteAddr).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+/)
    expect(reserver.connected).to.be.a('number').and.at.most(Date.now())
    expect(reserver.streams).to.be.a('number')
    expect(other).to.include({ reservation: false, direction: 'inbound', connections: 1 })
    expect(both.reservations).to.have.lengthOf(1)
    expect(both.reservations[0]).to.include({ peerId: r, remoteAddr: reserver.remoteAddr })
    expect(both.reservations[0].since).to.be.a('number')
    const json = JSON.parse((await httpGet(node.port, '/status.json')).body)
    expect(json.reservations.map((x: any) => x.peerId)).to.deep.equal([r])

    // the relay drops the reservation of a peer that disconnects
    await reserving.stop()
    const gone = await events.next(s => s.reservationCount === 0 && s.peerCount === 1, 'the reserving peer and its reservation are gone')
    expect(gone.reservations).to.deep.equal([])
    expect(gone.peers.map((x: any) => x.peerId)).to.deep.equal([p])
  })

  it('/metrics is Prometheus text whose counters move when a peer connects and pings', async () => {
    node = await startHttpNode(['--data-dir', temp.dir()])
    const scrape = async (): Promise<ReturnType<typeof parsePrometheus>> => {
      const res = await httpGet(node?.port ?? 0, '/metrics')
      expect(res.status).to.equal(200)
      expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/)
      return parsePrometheus(res.body)
    }
    const before = await scrape()
    expect(sampleSum(before, 'process_resident_memory_bytes')).to.be.above(0)
    expect(before.some(s => s.name.startsWith('nodejs_eventloop_lag'))).to.equal(true)
    const inbound = { libp2p_connection_manager_connections: 'inbound' }
    expect(sampleSum(before, 'libp2p_connection_manager_connections', inbound)).to.equal(0)
    const pingReceived = { protocol: '/ipfs/ping/1.0.0 received' }

    const client = await relayClient()
    clients.push(client)
    for (let i = 0; i < 3; i++) { await client.services.ping.ping(multiaddr(node.tcpAddr)) }
    let after = await scrape()
    // the server counts a ping's 32 bytes once its handler has read them: poll, the counters raise no event
    await until(async () => {
      after = await scrape()
      return sampleSum(after, 'libp2p_data_transfer_bytes_total', pingReceived) >= 3 * 32
    }, 'three pings are counted', { interval: 100 })
    expect(sampleSum(after, 'libp2p_connection_manager_connections', inbound)).to.equal(1)
    expect(sampleSum(after, 'libp2p_data_transfer_bytes_total', { protocol: '/ipfs/ping/1.0.0 sent' })).to.be.at.least(3 * 32)
    expect(sampleSum(after, 'libp2p_data_transfer_bytes_total', { protocol: 'global received' }))
      .to.be.above(sampleSum(before, 'libp2p_data_transfer_bytes_total', { protocol: 'global received' }))
  })

  it('/health is 503 with a JSON reason while the data directory\'s disk is full, and 200 again once there is room', async function () {
    // root ignores permissions, so a read-only directory proves nothing here: a small tmpfs filled to the last block does
    const mount = await mountTmpfs(temp.dir(), 8 * 1024 * 1024)
    if (typeof mount === 'string') {
      // eslint-disable-next-line no-console
      console.log(`      skipped: cannot mount a tmpfs to fill (${mount}); needs root with CAP_SYS_ADMIN`)
      this.skip()
      return
    }
    try {
      node = await startHttpNode(['--data-dir', mount.dir])
      expect((await httpGet(node.port, '/health')).status).to.equal(200)
      await mount.fill()
      let last: any
      await until(async () => {
        const res = await httpGet(node?.port ?? 0, '/health')
        last = { status: res.status, ...JSON.parse(res.body) }
        return res.status === 503
      }, '/health answers 503', { timeout: 20_000, interval: 250 })
      expect(last.healthy).to.equal(false)
      expect(last.datastore.writable).to.equal(false)
      expect(last.reason).to.match(/^the datastore is not writable: .*(ENOSPC|space)/i)
      await mount.unfill()
      await until(async () => (await httpGet(node?.port ?? 0, '/health')).status === 200, '/health answers 200 again', { timeout: 20_000, interval: 250 })
      expect(node.proc.child.exitCode).to.equal(null)
      await node.proc.stop()
    } finally {
      await node?.proc.stop()
      node = undefined
      await mount.unmount()
    }
  })

  it('refuses garbage on the HTTP port (random bytes, a huge header, an unfinished request, a body, too many sockets) without affecting the node', async () => {
    node = await startHttpNode(['--data-dir', temp.dir(), '--http-headers-timeout', '1000', '--http-max-connections', '8'])
    const port = node.port

    const garbage = await rawExchange(port, [randomBytes(4096)])
    expect(garbage.closedByServer).to.equal(true)
    expect(garbage.response).to.match(/^HTTP\/1\.1 400 /)

    const huge = await rawExchange(port, [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`])
    expect(huge.closedByServer).to.equal(true)
    expect(huge.response).to.match(/^HTTP\/1\.1 431 /)

    // slowloris: headers started and never finished; the server gives up after --http-headers-timeout
    const started = Date.now()
    const slow = await rawExchange(port, ['GET / HTTP/1.1\r\nHost: x\r\nX-Slow: '], 15_000)
    expect(slow.closedByServer).to.equal(true)
    expect(slow.response).to.match(/^HTTP\/1\.1 408 /)
    expect(Date.now() - started).to.be.below(15_000)

    const post = await rawExchange(port, ['POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello'])
    expect(post.response).to.match(/^HTTP\/1\.1 405 /)
    const body = await rawExchange(port, ['GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n'])
    expect(body.response).to.match(/^HTTP\/1\.1 413 /)

    const lines = await rawExchange(port, ['GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
    expect(lines.response).to.match(/^HTTP\/1\.1 404 /)

    // more sockets than --http-max-connections (8), sending nothing: the 4 extra ones are closed at
    // once without a word, the 8 others kept until the headers timeout ends them with a 408
    const held = await Promise.all(Array.from({ length: 12 }, async () => rawExchange(port, [], 15_000)))
    expect(held.every(h => h.closedByServer)).to.equal(true)
    expect(held.filter(h => h.response === '')).to.have.length(4)
    expect(held.filter(h => h.response.startsWith('HTTP/1.1 408 '))).to.have.length(8)

    expect(node.proc.child.exitCode).to.equal(null)
    expect((await httpGet(port, '/health')).status).to.equal(200)
    const client = await relayClient()
    clients.push(client)
    expect(await client.services.ping.ping(multiaddr(node.tcpAddr))).to.be.a('number')
  })

  it('/events serves at most --http-max-event-clients pages at once', async () => {
    node = await startHttpNode(['--data-dir', temp.dir(), '--http-max-event-clients', '2'])
    streams.push(await EventStream.open(node.port), await EventStream.open(node.port))
    const third = await httpGet(node.port, '/events')
    expect(third.status).to.equal(503)
    expect(third.body).to.include('httpMaxEventClients')
    streams.pop()?.close()
    await until(async () => {
      try {
        streams.push(await EventStream.open(node?.port ?? 0))
        return true
      } catch {
        return false
      }
    }, 'a page may follow again once one left', { interval: 50 })
  })

  it('/qr.svg draws the node\'s own addresses only', async () => {
    node = await startHttpNode(['--data-dir', temp.dir()])
    const own = await httpGet(node.port, `/qr.svg?address=${encodeURIComponent(node.tcpAddr)}`)
    expect(own.status).to.equal(200)
    expect(own.headers['content-type']).to.equal('image/svg+xml')
    expect(own.body).to.match(/^<svg [^>]*viewBox="0 0 (\d+) \1"/)
    expect((await httpGet(node.port, `/qr.svg?address=${encodeURIComponent('/ip4/1.2.3.4/tcp/1')}`)).status).to.equal(404)
    expect((await httpGet(node.port, '/qr.svg')).status).to.equal(404)
  })

  it('--http-listen none runs without it; a bad value exits 2 before starting; a port in use exits 1 naming the setting', async () => {
    const none = await startHttpNodeWithout(temp.dir())
    expect(none).to.include('stopped')
    expect(none).to.not.include('status page')

    const bad = await runBin(['node', '--data-dir', temp.dir(), '--http-listen', '/ip4/127.0.0.1/udp/8080'])
    expect(bad.code).to.equal(2)
    expect(bad.stderr).to.include('httpListen /ip4/127.0.0.1/udp/8080 must be')
    expect(bad.stdout).to.not.include('peer id')

    const taken = createServer()
    await new Promise<void>(resolve => { taken.listen(0, '127.0.0.1', resolve) })
    try {
      const port = (taken.address() as AddressInfo).port
      const run = await runBin(['node', '--data-dir', temp.dir(), '--listen', '/ip4/127.0.0.1/tcp/0', '--http-listen', `/ip4/127.0.0.1/tcp/${port}`])
      expect(run.code).to.equal(1)
      expect(run.stderr).to.match(/ListenError: the HTTP server cannot listen on 127\.0\.0\.1 port \d+ \(--http-listen.*EADDRINUSE/)
    } finally {
      taken.close()
    }
  })

  /** `libp2p node --http-listen none`: everything it printed from its start to its stop */
  async function startHttpNodeWithout (dir: string): Promise<string> {
    const proc = new BinProcess(['node', '--data-dir', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--http-listen', 'none'])
    try {
      await proc.waitFor('stdout', /listening on \S+\n/)
    } finally {
      await proc.stop()
    }
    return proc.stdout
  }
})

/** whether `s` arrived after `earlier` on the stream */
function statusAfter (events: EventStream, earlier: unknown, s: unknown): boolean {
  return events.statuses.indexOf(s) > events.statuses.indexOf(earlier)
}
