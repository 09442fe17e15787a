import { createNode, nextEvent } from '@libp2p/test-fixtures'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { identify, identifyPush, IDENTIFY_PUSH_PROTOCOL } from '../src/index.js'
import { writeIdentify } from '../src/message-io.js'
import type { Identify, IdentifyPush } from '../src/index.js'
import type { IdentifyResult, Peer, PeerUpdate } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

interface Services extends Record<string, unknown> { identify: Identify, identifyPush: IdentifyPush }

describe('identify push', () => {
  const nodes: Array<Libp2p<any>> = []
  let a: Libp2p<Services>
  let b: Libp2p<Services>

  /** the next peer store update of `peer` on `node` that passes `filter` */
  async function nextUpdate (node: Libp2p<any>, peer: Libp2p<any>, filter: (p: Peer) => boolean): Promise<Peer> {
    const { peer: updated } = await nextEvent<PeerUpdate>(node, 'peer:update', u => u.peer.id.equals(peer.peerId) && filter(u.peer))
    return updated
  }

  beforeEach(async () => {
    a = await createNode<Services>({ services: { identify: identify(), identifyPush: identifyPush() } })
    b = await createNode<Services>({ services: { identify: identify(), identifyPush: identifyPush() } })
    nodes.push(a, b)
    const identified = Promise.all([
      nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId)),
      nextEvent<IdentifyResult>(b, 'peer:identify', r => r.peerId.equals(a.peerId))
    ])
    await a.dial(b.getMultiaddrs()[0])
    await identified
  })

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  it('a new protocol reaches the other side', async () => {
    const pushed = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId) && r.protocols.includes('/new/1.0.0'))
    await b.handle('/new/1.0.0', () => {})
    const result = await pushed
    expect(result.protocols).to.deep.equal(b.getProtocols())
    expect((await a.peerStore.get(b.peerId)).protocols).to.include('/new/1.0.0')
  })

  it('a removed protocol is removed on the other side', async () => {
    await b.handle('/gone/1.0.0', () => {})
    await nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId) && r.protocols.includes('/gone/1.0.0'))
    const pushed = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId) && !r.protocols.includes('/gone/1.0.0'))
    await b.unhandle('/gone/1.0.0')
    await pushed
    expect((await a.peerStore.get(b.peerId)).protocols).to.not.include('/gone/1.0.0')
  })

  it('push() pushes to every connected peer that speaks the push protocol', async () => {
    const c = await createNode<Services>({ services: { identify: identify(), identifyPush: identifyPush() } })
    nodes.push(c)
    const identified = nextEvent<IdentifyResult>(b, 'peer:identify', r => r.peerId.equals(c.peerId))
    await b.dial(c.getMultiaddrs()[0])
    await identified
    const atA = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId))
    const atC = nextEvent<IdentifyResult>(c, 'peer:identify', r => r.peerId.equals(b.peerId))
    await b.services.identifyPush.push()
    const results = await Promise.all([atA, atC])
    expect(results.map(r => r.peerId.toString())).to.deep.equal([b.peerId.toString(), b.peerId.toString()])
  })

  it('with debounce, a burst of changes is pushed once, debounce ms after the last', async () => {
    const debounce = 300
    const c = await createNode<Services>({ services: { identify: identify(), identifyPush: identifyPush({ debounce }) } })
    nodes.push(c)
    const identified = Promise.all([
      nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(c.peerId)),
      nextEvent<IdentifyResult>(c, 'peer:identify', r => r.peerId.equals(a.peerId))
    ])
    await a.dial(c.getMultiaddrs()[0])
    await identified
    const received: IdentifyResult[] = []
    const onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
      if (evt.detail.peerId.equals(c.peerId)) { received.push(evt.detail) }
    }
    a.addEventListener('peer:identify', onIdentify)
    try {
      const all = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(c.peerId) && r.protocols.includes('/burst/3'))
      await c.handle('/burst/1', () => {})
      await c.handle('/burst/2', () => {})
      await c.handle('/burst/3', () => {})
      const last = Date.now()
      await all
      expect(Date.now() - last).to.be.at.least(debounce - 5)
      expect(received).to.have.length(1)
      expect(received[0].protocols).to.include.members(['/burst/1', '/burst/2', '/burst/3'])
    } finally {
      a.removeEventListener('peer:identify', onIdentify)
    }
  })

  it('a partial push changes only the fields it carries', async () => {
    const before = await a.peerStore.get(b.peerId)
    const updated = nextUpdate(a, b, p => p.metadata.get('AgentVersion') != null && uint8ArrayToString(p.metadata.get('AgentVersion') ?? new Uint8Array()) === 'b/2.0.0')
    const stream = await b.dialProtocol(a.peerId, IDENTIFY_PUSH_PROTOCOL)
    await writeIdentify(stream, { agentVersion: 'b/2.0.0', listenAddrs: [], protocols: [] })
    await stream.close()
    const after = await updated
    expect(after.protocols).to.deep.equal(before.protocols)
    expect(after.addresses).to.deep.equal(before.addresses)
  })

  it('a bad push resets the stream, changes nothing and leaves the connection open', async () => {
    const before = await a.peerStore.get(b.peerId)
    const stream = await b.dialProtocol(a.peerId, IDENTIFY_PUSH_PROTOCOL)
    await writeIdentify(stream, {
      listenAddrs: [multiaddr('/memory/somewhere-else').bytes as Uint8Array<ArrayBuffer>],
      protocols: ['/evil/1.0.0'],
      // a peer record that does not decode
      signedPeerRecord: Uint8Array.from([0x0a, 0x09, 1])
    })
    // close() may reject with StreamResetError or, on an optimistically negotiated stream, find it reset already
    await stream.close().catch((err: Error) => { expect(err).to.have.property('name', 'StreamResetError') })
    if (stream.status === 'open') {
      await new Promise(resolve => { stream.addEventListener('close', resolve, { once: true }) })
    }
    expect(stream.status).to.equal('reset')
    const after = await a.peerStore.get(b.peerId)
    expect(after.protocols).to.deep.equal(before.protocols)
    expect(after.addresses).to.deep.equal(before.addresses)
    expect(a.getConnections(b.peerId).map(c => c.status)).to.deep.equal(['open'])
  })
})
