import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { createLibp2p } from 'libp2p'
import { webRTCDirect } from '../src/index.js'
import { trackNodes } from './fixtures/track.js'
import type { CertificateClock, WebRTCTransportDirectInit } from '../src/index.js'
import type { Ping } from '@libp2p/ping'
import type { Datastore } from 'interface-datastore'
import type { Libp2p } from 'libp2p'

type Node = Libp2p<{ ping: Ping }>

const DAY_MS = 86_400_000
const CERTIFICATE_KEY = new Key('/libp2p/webrtc-direct/certificate')

/** a clock the test moves: timers fire when advance() passes their time */
class ManualClock implements CertificateClock {
  #time: number
  #timers = new Set<{ at: number, fn(): void }>()

  constructor (time: number) {
    this.#time = time
  }

  now (): number {
    return this.#time
  }

  setTimer (fn: () => void, ms: number): () => void {
    const timer = { at: this.#time + ms, fn }
    this.#timers.add(timer)
    return () => { this.#timers.delete(timer) }
  }

  advance (ms: number): void {
    this.#time += ms
    for (const timer of [...this.#timers]) {
      if (timer.at <= this.#time) {
        this.#timers.delete(timer)
        timer.fn()
      }
    }
  }
}

async function directNode (datastore: Datastore | undefined, init: WebRTCTransportDirectInit = {}): Promise<Node> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/udp/0/webrtc-direct'] },
    datastore,
    transports: [webRTCDirect({ outboundConnectionTimeout: 10_000, ...init })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { ping: ping() }
  })
}

async function dialer (): Promise<Node> {
  return createLibp2p({
    addresses: { listen: [] },
    transports: [webRTCDirect({ outboundConnectionTimeout: 10_000 })],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { ping: ping() }
  })
}

/** the certhashes of the node's WebRTC-Direct addresses, in announced order */
function certhashes (node: Libp2p): string[] {
  return node.getMultiaddrs().map(String).filter(a => a.includes('/webrtc-direct/')).map(a => a.split('/certhash/')[1].split('/')[0])
}

function addrWith (node: Libp2p, hash: string): string {
  const addr = node.getMultiaddrs().map(String).find(a => a.includes(`/certhash/${hash}/`))
  if (addr == null) { throw new TypeError(`no address with certhash ${hash}`) }
  return addr
}

describe('webRTCDirect() certificate in the datastore, renewed before expiry', function () {
  this.timeout(60_000)
  const track = trackNodes<Node>()

  it('a node restarted on the same datastore listens with the same certhash, and is dialled at it', async () => {
    const datastore = new MemoryDatastore()
    const first = await track(directNode(datastore))
    const [hash] = certhashes(first)
    expect(await datastore.has(CERTIFICATE_KEY)).to.equal(true)
    await first.stop()

    const restarted = await track(directNode(datastore))
    expect(certhashes(restarted)).to.deep.equal([hash])
    const client = await track(dialer())
    expect(await client.services.ping.ping(multiaddr(addrWith(restarted, hash)))).to.be.a('number')

    // a node with another datastore has another certificate
    const other = await track(directNode(new MemoryDatastore()))
    expect(certhashes(other)).to.have.lengthOf(1).and.not.include(hash)
  })

  it('an unusable stored certificate is replaced by a new one', async () => {
    const datastore = new MemoryDatastore()
    await datastore.put(CERTIFICATE_KEY, new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nnot base64 DER\n-----END CERTIFICATE-----\n'))
    const node = await track(directNode(datastore))
    expect(certhashes(node)).to.have.lengthOf(1)
    const stored = new TextDecoder().decode(await datastore.get(CERTIFICATE_KEY))
    expect(stored).to.include('-----BEGIN CERTIFICATE-----').and.include('-----BEGIN PRIVATE KEY-----').and.not.include('not base64')
  })

  it('announces the successor beside the served certhash, then switches to it; both survive a restart; open connections stay', async () => {
    const datastore = new MemoryDatastore()
    // 10-day certificates renewed 1 day before expiry: the successor is announced 2 days before
    // expiry and served from 1 day before. The clock starts 8.5 days back, so every certificate
    // made along the way is valid in real time too
    const clock = new ManualClock(Date.now() - 8.5 * DAY_MS)
    const init = { certificateLifespan: 10 * DAY_MS, certificateRenewalThreshold: DAY_MS, certificateClock: clock }
    let node = await track(directNode(datastore, init))
    const [oldHash] = certhashes(node)
    const updates: string[][] = []
    node.addEventListener('self:peer:update', () => { updates.push(certhashes(node)) })

    const early = await track(dialer())
    const connection = await early.dial(multiaddr(addrWith(node, oldHash)))

    clock.advance(7.9 * DAY_MS)
    expect(certhashes(node)).to.deep.equal([oldHash])
    clock.advance(0.1 * DAY_MS)
    await until(() => certhashes(node).length === 2, 'the successor is announced', { timeout: 10_000 })
    const [served, newHash] = certhashes(node)
    expect(served).to.equal(oldHash)
    expect(newHash).to.not.equal(oldHash)
    expect(updates).to.deep.include([oldHash, newHash])
    // the old certificate is still the one served: a dialer holding only the successor's certhash
    // is refused by its own DTLS fingerprint check until the switch (one certificate at a time)
    expect(await (await track(dialer())).services.ping.ping(multiaddr(addrWith(node, oldHash)))).to.be.a('number')
    await expect((await track(dialer())).dial(multiaddr(addrWith(node, newHash)))).to.eventually.be.rejected()

    // a restart during the overlap announces the same two
    await node.stop()
    node = await track(directNode(datastore, init))
    expect(certhashes(node)).to.deep.equal([oldHash, newHash])
    updates.length = 0
    node.addEventListener('self:peer:update', () => { updates.push(certhashes(node)) })
    const beforeSwitch = await track(dialer())
    const kept = await beforeSwitch.dial(multiaddr(addrWith(node, oldHash)))

    clock.advance(DAY_MS)
    await until(() => certhashes(node).length === 1, 'the switch', { timeout: 10_000 })
    expect(certhashes(node)).to.deep.equal([newHash])
    expect(updates).to.deep.include([newHash])
    expect(await (await track(dialer())).services.ping.ping(multiaddr(addrWith(node, newHash)))).to.be.a('number')
    // a connection made with the old certificate is not affected by the switch
    expect(kept.status).to.equal('open')
    expect(await beforeSwitch.services.ping.ping(node.peerId)).to.be.a('number')
    // the first node's connection closed with it; nothing else refers to it
    expect(connection.status).to.not.equal('open')

    await node.stop()
    node = await track(directNode(datastore, init))
    expect(certhashes(node)).to.deep.equal([newHash])
  })

  it('completes an announced WebRTC-Direct address without a certhash with the current one(s), across a renewal', async () => {
    const clock = new ManualClock(Date.now() - 8.5 * DAY_MS)
    const node = await track(createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/udp/0/webrtc-direct'], announce: ['/ip4/203.0.113.7/udp/4003/webrtc-direct', '/dns4/node.example.org/tcp/4001'] },
      datastore: new MemoryDatastore(),
      transports: [webRTCDirect({ certificateLifespan: 10 * DAY_MS, certificateRenewalThreshold: DAY_MS, certificateClock: clock })],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()]
    }))
    const self = node.peerId.toString()
    const [oldHash] = certhashes(node)
    expect(node.getMultiaddrs().map(String)).to.deep.equal([
      `/ip4/203.0.113.7/udp/4003/webrtc-direct/certhash/${oldHash}/p2p/${self}`,
      `/dns4/node.example.org/tcp/4001/p2p/${self}`
    ])
    clock.advance(8 * DAY_MS)
    await until(() => certhashes(node).length === 2, 'the successor is announced', { timeout: 10_000 })
    const [, newHash] = certhashes(node)
    expect(node.getMultiaddrs().map(String)).to.deep.equal([
      `/ip4/203.0.113.7/udp/4003/webrtc-direct/certhash/${oldHash}/p2p/${self}`,
      `/ip4/203.0.113.7/udp/4003/webrtc-direct/certhash/${newHash}/p2p/${self}`,
      `/dns4/node.example.org/tcp/4001/p2p/${self}`
    ])
    clock.advance(DAY_MS)
    await until(() => certhashes(node).length === 1, 'the switch', { timeout: 10_000 })
    expect(certhashes(node)).to.deep.equal([newHash])
  })

  it('refuses certificateRenewalThreshold not below certificateLifespan', async () => {
    await expect(directNode(undefined, { certificateLifespan: DAY_MS, certificateRenewalThreshold: DAY_MS }))
      .to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
