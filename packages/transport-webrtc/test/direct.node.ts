import { X509Certificate, createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket } from 'node:dgram'
import { networkInterfaces } from 'node:os'
import { crc32 } from 'node:zlib'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { base64url } from 'multiformats/bases/base64'
import { webRTCDirect } from '../src/index.js'
import { ECHO, echo, roundTrip } from './fixtures/streams.js'
import { trackNodes } from './fixtures/track.js'
import type { WebRTCDirectListener, WebRTCTransportDirectInit } from '../src/index.js'
import type { Ping } from '@libp2p/ping'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'

type Node = Libp2p<{ ping: Ping }>

async function directNode (listen: boolean, init: WebRTCTransportDirectInit = {}): Promise<Node> {
  const node = await createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/udp/0/webrtc-direct'] : [] },
    transports: [webRTCDirect(init)],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { ping: ping() }
  })
  await node.handle(ECHO, async (stream) => { await echo(stream) })
  return node
}

function directAddr (node: Libp2p): Multiaddr {
  const addr = node.getMultiaddrs().find(a => a.toString().includes('/webrtc-direct/certhash/'))
  if (addr == null) { throw new TypeError('no webrtc-direct address') }
  return addr
}

function listenerOf (node: Libp2p): WebRTCDirectListener {
  return (node as any).components.transportManager.getListeners()[0]
}

/** the name of the transport's error (libp2p wraps it in a DialError naming each address's) */
async function dialError (p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err: any) {
    return err.errors?.length === 1 ? err.errors[0].name : err.name
  }
  throw new Error('the dial succeeded')
}

/** /ip4/<host>/udp/<port>/… */
function udpAddr (host: string, port: number): Multiaddr {
  return multiaddr(`/ip4/${host}/udp/${port}/webrtc-direct`)
}

function hostPort (addr: Multiaddr): { host: string, port: number } {
  const [, , host, , port] = addr.toString().split('/')
  return { host, port: Number(port) }
}

/**
 * A STUN binding request as an ICE client sends it before any answer (RFC 8489, RFC 8445):
 * USERNAME `<server ufrag>:<client ufrag>`, PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY keyed
 * with the password (here the ufrag, as WebRTC-Direct does), FINGERPRINT.
 */
function stunBindingRequest (ufrag: string): Buffer {
  const user = Buffer.from(`${ufrag}:${ufrag}`)
  const padded = Buffer.alloc(Math.ceil(user.byteLength / 4) * 4)
  user.copy(padded)
  let attrs = Buffer.concat([
    Buffer.from([0x00, 0x06, 0, user.byteLength]), padded,
    Buffer.from([0x00, 0x24, 0, 4, 0x6e, 0x00, 0x1e, 0xff]),
    Buffer.from([0x80, 0x2a, 0, 8]), randomBytes(8)
  ])
  const header = Buffer.alloc(20)
  header.writeUInt16BE(0x0001, 0)
  header.writeUInt32BE(0x2112a442, 4)
  randomBytes(12).copy(header, 8)
  header.writeUInt16BE(attrs.byteLength + 24, 2)
  const mac = createHmac('sha1', ufrag).update(Buffer.concat([header, attrs])).digest()
  attrs = Buffer.concat([attrs, Buffer.from([0x00, 0x08, 0, 20]), mac])
  header.writeUInt16BE(attrs.byteLength + 8, 2)
  const fingerprint = Buffer.alloc(8)
  fingerprint.writeUInt32BE(0x80280004, 0)
  fingerprint.writeUInt32BE((crc32(Buffer.concat([header, attrs])) ^ 0x5354554e) >>> 0, 4)
  return Buffer.concat([header, attrs, fingerprint])
}

async function sendUdp (addr: Multiaddr, packets: Buffer[]): Promise<void> {
  const { host, port } = hostPort(addr)
  const socket = createSocket('udp4')
  try {
    for (const p of packets) {
      await new Promise<void>((resolve, reject) => { socket.send(p, port, host, (err) => { err == null ? resolve() : reject(err) }) })
    }
  } finally {
    socket.close()
  }
}

describe('webRTCDirect() (Node listener, Node dialer, 127.0.0.1)', function () {
  this.timeout(20_000)
  const track = trackNodes<Node>()

  it('listens at /ip4/127.0.0.1/udp/<port>/webrtc-direct/certhash/<sha-256 of its self-signed P-256 certificate>', async () => {
    const listener = await track(directNode(true))
    const addr = directAddr(listener)
    expect(addr.toString()).to.match(/^\/ip4\/127\.0\.0\.1\/udp\/[1-9]\d*\/webrtc-direct\/certhash\/u[\w-]+\/p2p\/\w+$/)
    const transport = (listener as any).components.transportManager.getTransports()[0]
    const cert = new X509Certificate(transport.certificate.pem)
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).to.equal('prime256v1')
    expect(cert.verify(cert.publicKey)).to.equal(true)
    expect(new Date(cert.validFrom).getTime()).to.be.below(Date.now())
    const digest = createHash('sha256').update(cert.raw).digest()
    expect(cert.fingerprint256.replaceAll(':', '')).to.equal(digest.toString('hex').toUpperCase())
    const mh = base64url.decode(addr.toString().split('/')[7])
    expect([...mh]).to.deep.equal([0x12, 0x20, ...digest])
  })

  it('listens with a given certificate (js-libp2p\'s `certificate` option); a certhash not its hash is refused', async () => {
    const first = await track(directNode(true))
    const certificate = (first as any).components.transportManager.getTransports()[0].certificate
    const second = await track(directNode(true, { certificate }))
    expect(directAddr(second).toString().split('/')[7]).to.equal(certificate.certhash)
    const dialer = await track(directNode(false))
    expect(await dialer.services.ping.ping(directAddr(second))).to.be.a('number')
    await expect(directNode(false, { certificate: { ...certificate, certhash: directAddr(first).toString().split('/')[7].slice(0, -2) + 'AA' } }))
      .to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('listening on 0.0.0.0 publishes an address per IPv4 interface (not 0.0.0.0), and is dialled on loopback', async () => {
    const listener = await track(createLibp2p({
      addresses: { listen: ['/ip4/0.0.0.0/udp/0/webrtc-direct'] },
      transports: [webRTCDirect()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { ping: ping() }
    }))
    const addrs = listener.getMultiaddrs().map(String)
    const ipv4 = Object.values(networkInterfaces()).flatMap(i => i ?? []).filter(i => i.family === 'IPv4').map(i => i.address)
    expect(addrs.map(a => a.split('/')[2]).sort()).to.deep.equal(ipv4.sort())
    const loopback = addrs.find(a => a.startsWith('/ip4/127.0.0.1/udp/'))
    if (loopback == null) { throw new TypeError(`no loopback address in ${addrs.join(' ')}`) }
    const dialer = await track(directNode(false))
    expect(await dialer.services.ping.ping(multiaddr(loopback))).to.be.a('number')
  })

  it('dials the listener: remote peer checked, ping and echo', async () => {
    const listener = await track(directNode(true))
    const dialer = await track(directNode(false))
    const addr = directAddr(listener).encapsulate(`/p2p/${listener.peerId.toString()}`)
    const connection = await dialer.dial(addr)
    expect(connection.remotePeer.equals(listener.peerId)).to.equal(true)
    expect(connection.multiplexer).to.equal('/webrtc')
    expect(await dialer.services.ping.ping(listener.peerId)).to.be.a('number')
    const data = randomBytes(200_000)
    const stream = await connection.newStream(ECHO)
    expect(Buffer.from(await roundTrip(stream, data)).equals(data)).to.equal(true)
    // and the other way, on the listener's side of the same connection
    const back = listener.getConnections(dialer.peerId)[0]
    expect(back).to.exist()
    expect(await listener.services.ping.ping(dialer.peerId)).to.be.a('number')
  })

  it('a wrong certhash fails that dial with ConnectionFailedError; the listener accepts the next one', async () => {
    const listener = await track(directNode(true))
    const dialer = await track(directNode(false))
    const good = directAddr(listener)
    const wrong = multiaddr(good.toString().replace(/certhash\/[^/]+/, `certhash/${base64url.encode(Uint8Array.from([0x12, 0x20, ...randomBytes(32)]))}`))
    expect(await dialError(dialer.dial(wrong))).to.equal('ConnectionFailedError')
    expect(await dialer.services.ping.ping(good)).to.be.a('number')
  })

  it('a peer id other than the listener\'s fails the dial with UnexpectedPeerError', async () => {
    const listener = await track(directNode(true))
    const other = await track(directNode(false))
    const dialer = await track(directNode(false))
    const addr = directAddr(listener).encapsulate(`/p2p/${other.peerId.toString()}`)
    expect(await dialError(dialer.dial(addr))).to.equal('UnexpectedPeerError')
  })

  it('garbage datagrams and stray STUN requests do not disturb the listener; handshakes in progress stay bounded', async () => {
    const listener = await track(directNode(true, { maxPendingConnections: 2, inboundConnectionTimeout: 2_000 }))
    const addr = directAddr(listener)
    const stray = Array.from({ length: 6 }, (_, i) => stunBindingRequest(`libp2p+webrtc+v1/stray${i}`))
    await sendUdp(addr, [randomBytes(1), randomBytes(100), randomBytes(1200), ...stray, ...stray])
    const l = listenerOf(listener)
    // six clients (each twice): two handshakes start, the others are ignored
    await until(() => l.pendingConnections === 2, 'two pending connections', { timeout: 5_000, interval: 10 })
    const dialer = await track(directNode(false))
    // the dialer's STUN requests are repeated until the stray handshakes time out (2 s) and free a slot
    expect(await dialer.services.ping.ping(addr)).to.be.a('number')
    expect(l.pendingConnections).to.be.at.most(2)
  })

  it('closing the listener closes its connections; its address is gone and dials to it fail', async () => {
    const listener = await track(directNode(true))
    const addr = directAddr(listener)
    const dialer = await track(directNode(false, { outboundConnectionTimeout: 2_000 }))
    const connection = await dialer.dial(addr)
    const closed = new Promise<void>(resolve => { connection.addEventListener('close', () => { resolve() }, { once: true }) })
    await listenerOf(listener).close()
    await closed
    expect(listener.getMultiaddrs()).to.deep.equal([])
    expect(listener.getConnections()).to.deep.equal([])
    await expect(dialer.dial(addr)).to.eventually.be.rejected()
  })

  it('closing listeners while STUN requests pour in does not crash the process', async () => {
    // node-datachannel 0.33.4 aborted the process here when a listener stopped its UDP mux (udp-mux.ts)
    for (let i = 0; i < 20; i++) {
      // one handshake slot: the other requests (each from a new client ufrag) reach the listener's callback
      const listener = await track(directNode(true, { maxPendingConnections: 1 }))
      const { host, port } = hostPort(directAddr(listener))
      const socket = createSocket('udp4')
      const requests = Array.from({ length: 64 }, (_, n) => stunBindingRequest(`libp2p+webrtc+v1/flood${i}x${n}`))
      const flood = { on: true }
      const flooding = (async () => {
        for (let n = 0; flood.on && n < 10_000; n++) {
          await new Promise<void>((resolve) => { socket.send(requests[n % requests.length], port, host, () => { resolve() }) })
          await new Promise(resolve => setImmediate(resolve))
        }
      })()
      const l = listenerOf(listener)
      await until(() => l.pendingConnections === 1, 'one pending connection', { timeout: 5_000, interval: 10 })
      await l.close()
      // a few more requests reach the closed listener's socket
      await sendUdp(udpAddr(host, port), requests)
      flood.on = false
      await flooding
      socket.close()
      expect(listener.getMultiaddrs()).to.deep.equal([])
    }
  })

  it('listening on a UDP port that is taken fails with ListenError', async () => {
    const socket = createSocket('udp4')
    await new Promise<void>((resolve, reject) => { socket.once('error', reject); socket.bind(0, '127.0.0.1', () => { resolve() }) })
    try {
      const port = socket.address().port
      const node = await track(directNode(false))
      const transportManager = (node as any).components.transportManager
      const err = await transportManager.listen([multiaddr(`/ip4/127.0.0.1/udp/${port}/webrtc-direct`)]).then(() => undefined, (e: Error) => e)
      expect(err?.cause?.name).to.equal('ListenError')
      expect(node.getMultiaddrs()).to.deep.equal([])
      // and a port one of our listeners serves
      const listener = await track(directNode(true))
      const taken = hostPort(directAddr(listener)).port
      const again = await transportManager.listen([multiaddr(`/ip4/127.0.0.1/udp/${taken}/webrtc-direct`)]).then(() => undefined, (e: Error) => e)
      expect(again?.cause?.name).to.equal('ListenError')
    } finally {
      socket.close()
    }
  })
})
