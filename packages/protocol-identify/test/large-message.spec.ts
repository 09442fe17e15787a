import { createNode, memoryAddr, nextEvent } from '@libp2p/test-fixtures'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { identify, identifyPush } from '../src/index.js'
import { Identify as IdentifyMessage } from '../src/pb/message.js'
import type { Identify, IdentifyPush } from '../src/index.js'
import type { IdentifyResult } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

interface Services extends Record<string, unknown> { identify: Identify, identifyPush: IdentifyPush }

// within what the peer store keeps per peer (64 addresses, 256 protocols)
const ANNOUNCED = Array.from({ length: 60 }, (_, i) => `/ip4/10.1.0.${i}/tcp/${4000 + i}`)
const PROTOCOLS = Array.from({ length: 200 }, (_, i) => `/example/a-rather-long-protocol-name-number-${i}/1.0.0`)

/**
 * A node with 60 listen addresses and 200 protocols: its identify message (~12 KiB, more with the
 * signed peer record) is over the 8 KiB that go-libp2p, js-libp2p and this node read per message
 */
describe('identify: a message too large for one message', () => {
  const nodes: Array<Libp2p<any>> = []
  let a: Libp2p<Services>
  let b: Libp2p<Services>
  let bAddr: string

  beforeEach(async () => {
    a = await createNode<Services>({ services: { identify: identify({ runOnConnectionOpen: false }), identifyPush: identifyPush() } })
    bAddr = memoryAddr()
    b = await createNode<Services>({
      addresses: { listen: [bAddr], announce: ANNOUNCED },
      services: { identify: identify({ runOnConnectionOpen: false }), identifyPush: identifyPush() }
    })
    nodes.push(a, b)
    for (const protocol of PROTOCOLS) { await b.handle(protocol, () => {}) }
  })

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  it('arrives in parts and is merged back whole', async () => {
    const connection = await a.dial(multiaddr(bAddr))
    const result = await a.services.identify.identify(connection, { signal: AbortSignal.timeout(10_000) })

    expect(result.protocols).to.deep.equal(b.getProtocols())
    expect(result.protocols).to.include.members(PROTOCOLS)
    expect(result.listenAddrs.map(String)).to.deep.equal(ANNOUNCED)
    expect(result.signedPeerRecord?.addresses.map(String)).to.deep.equal(ANNOUNCED)
    // sent as one message it would have been refused
    const whole = IdentifyMessage.encode({
      listenAddrs: ANNOUNCED.map(s => multiaddr(s).bytes as Uint8Array<ArrayBuffer>),
      protocols: b.getProtocols()
    })
    expect(whole.byteLength).to.be.above(8 * 1024)

    const stored = await a.peerStore.get(b.peerId)
    expect(stored.protocols).to.deep.equal(b.getProtocols())
    expect(stored.addresses.map(x => x.multiaddr.toString()).sort()).to.deep.equal([...ANNOUNCED].sort())
    expect(stored.addresses.every(x => x.isCertified)).to.equal(true)
  })

  it('a push of it arrives in parts and is merged back whole', async () => {
    const connection = await a.dial(multiaddr(bAddr))
    await a.services.identify.identify(connection, { signal: AbortSignal.timeout(10_000) })
    // b pushes only to peers it has identified (and so knows speak push)
    await b.services.identify.identify(b.getConnections(a.peerId)[0], { signal: AbortSignal.timeout(10_000) })
    const pushed = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId) && r.protocols.includes('/one-more/1.0.0'))
    await b.handle('/one-more/1.0.0', () => {})
    const result = await pushed
    expect(result.protocols).to.deep.equal(b.getProtocols())
    expect(result.listenAddrs.map(String)).to.deep.equal(ANNOUNCED)
    expect((await a.peerStore.get(b.peerId)).protocols).to.deep.equal(b.getProtocols())
  })
})
