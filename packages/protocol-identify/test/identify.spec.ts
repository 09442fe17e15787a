import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { createNode, nextEvent } from '@libp2p/test-fixtures'
import { lpEncode } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { identify, identifyPush, IDENTIFY_PROTOCOL, IDENTIFY_PUSH_PROTOCOL, PROTOCOL_VERSION } from '../src/index.js'
import { writeIdentify } from '../src/message-io.js'
import { Identify as IdentifyMessage } from '../src/pb/message.js'
import type { Identify, IdentifyPush } from '../src/index.js'
import type { Connection, IdentifyResult, Stream, StreamHandler } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

interface Services extends Record<string, unknown> { identify: Identify, identifyPush: IdentifyPush }

describe('identify', () => {
  const nodes: Array<Libp2p<any>> = []
  const track = <T extends Libp2p<any>>(node: T): T => { nodes.push(node); return node }

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  describe('between two nodes', () => {
    let a: Libp2p<Services>
    let b: Libp2p<Services>

    beforeEach(async () => {
      a = track(await createNode<Services>({
        services: { identify: identify(), identifyPush: identifyPush() },
        nodeInfo: { userAgent: 'node-a/1.2.3' }
      }))
      b = track(await createNode<Services>({
        services: { identify: identify({ agentVersion: 'node-b/custom' }), identifyPush: identifyPush() },
        // one report confirms an observed address, so the test can see it announced
        addresses: { observedAddressConfirmations: 1 }
      }))
    })

    it('identifies both ways when a connection opens', async () => {
      const seenByA = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId))
      const seenByB = nextEvent<IdentifyResult>(b, 'peer:identify', r => r.peerId.equals(a.peerId))
      await a.dial(b.getMultiaddrs()[0])
      const [resultA, resultB] = await Promise.all([seenByA, seenByB])

      expect(resultA.agentVersion).to.equal('node-b/custom')
      expect(resultA.protocolVersion).to.equal(PROTOCOL_VERSION)
      expect(resultA.protocols).to.include.members([IDENTIFY_PROTOCOL, IDENTIFY_PUSH_PROTOCOL])
      expect(resultA.protocols).to.deep.equal(b.getProtocols())
      expect(resultA.listenAddrs.map(String)).to.deep.equal(b.getMultiaddrs().map(ma => ma.decapsulateCode(421).toString()))
      expect(resultA.signedPeerRecord?.addresses.map(String)).to.deep.equal(resultA.listenAddrs.map(String))
      expect(resultA.connection.remotePeer.equals(b.peerId)).to.equal(true)

      expect(resultB.agentVersion).to.equal('node-a/1.2.3')
      expect(resultB.protocols).to.deep.equal(a.getProtocols())
      expect(resultB.listenAddrs.map(String)).to.deep.equal(a.getMultiaddrs().map(ma => ma.decapsulateCode(421).toString()))

      // the peer stores hold what identify learned, addresses certified by the signed peer records
      const bInA = await a.peerStore.get(b.peerId)
      expect(bInA.protocols).to.deep.equal(b.getProtocols())
      expect(bInA.addresses.map(x => [x.multiaddr.toString(), x.isCertified])).to.deep.equal(resultA.listenAddrs.map(ma => [ma.toString(), true]))
      expect(uint8ArrayToString(bInA.metadata.get('AgentVersion') ?? new Uint8Array())).to.equal('node-b/custom')
      expect(bInA.peerRecordEnvelope).to.be.an.instanceOf(Uint8Array)
      const aInB = await b.peerStore.get(a.peerId)
      expect(aInB.protocols).to.deep.equal(a.getProtocols())
      expect(aInB.addresses.every(x => x.isCertified)).to.equal(true)
      expect(uint8ArrayToString(aInB.metadata.get('AgentVersion') ?? new Uint8Array())).to.equal('node-a/1.2.3')
    })

    it('sends the observed address, which the other side records', async () => {
      const seenByB = nextEvent<IdentifyResult>(b, 'peer:identify', r => r.peerId.equals(a.peerId))
      const seenByA = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId))
      const dialled = b.getMultiaddrs()[0]
      const connection = await a.dial(dialled)
      const [resultB] = await Promise.all([seenByB, seenByA])
      // a dialled b at /memory/<b>/p2p/<b>: that is where a sees b, sent without the /p2p part
      expect(resultB.observedAddr?.toString()).to.equal(dialled.decapsulateCode(421).toString())
      expect(b.components.addressManager.getObservedAddrs().map(String)).to.include(dialled.decapsulateCode(421).toString())
      expect(connection.remoteAddr.toString()).to.equal(dialled.toString())
    })

    it('identify() on a connection returns the result and fires peer:identify', async () => {
      const connection = await a.dial(b.getMultiaddrs()[0])
      // the automatic identify of this connection may still hold the one outbound stream
      await nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId))
      const event = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.connection === connection)
      const result = await a.services.identify.identify(connection)
      expect(result.peerId.equals(b.peerId)).to.equal(true)
      expect(await event).to.equal(result)
    })

    it('after a hang up, the peer is dialled by id at the addresses identify stored', async () => {
      const identified = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId))
      await a.dial(b.getMultiaddrs()[0])
      await identified
      await a.hangUp(b.peerId)
      expect(a.getConnections(b.peerId)).to.be.empty()
      const again = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId))
      const connection = await a.dial(b.peerId)
      expect(connection.remotePeer.equals(b.peerId)).to.equal(true)
      expect((await again).connection).to.equal(connection)
    })

    it('re-seals its peer record only when its addresses change', async () => {
      const first = nextEvent<IdentifyResult>(a, 'peer:identify', r => r.peerId.equals(b.peerId))
      const connection = await a.dial(b.getMultiaddrs()[0])
      const seq1 = (await first).signedPeerRecord?.seq
      const seq2 = (await a.services.identify.identify(connection)).signedPeerRecord?.seq
      expect(seq1).to.be.a('bigint')
      expect(seq2).to.equal(seq1)
    })
  })

  describe('bad input', () => {
    let a: Libp2p<Services>
    let b: Libp2p

    /** b answers identify with `answer` instead of running the service */
    async function answerWith (answer: (stream: Stream) => Promise<void>): Promise<Connection> {
      const handler: StreamHandler = async (stream) => { await answer(stream) }
      await b.handle(IDENTIFY_PROTOCOL, handler)
      return a.dial(b.getMultiaddrs()[0])
    }

    async function expectConnectionUsable (connection: Connection): Promise<void> {
      expect(connection.status).to.equal('open')
      await b.handle('/echo/1.0.0', async (stream) => {
        for await (const chunk of stream) { stream.send(chunk) }
        await stream.close()
      })
      const stream = await connection.newStream('/echo/1.0.0')
      stream.send(Uint8Array.of(1, 2, 3))
      await stream.closeWrite()
      const chunk = await stream.read()
      expect(chunk?.subarray()).to.deep.equal(Uint8Array.of(1, 2, 3))
    }

    beforeEach(async () => {
      // a only identifies when asked, so each test sees the error of its own call
      a = track(await createNode<Services>({ services: { identify: identify({ runOnConnectionOpen: false, timeout: 1000 }), identifyPush: identifyPush() } }))
      b = track(await createNode())
    })

    it('rejects a message over maxMessageSize (MessageTooLargeError)', async () => {
      const connection = await answerWith(async (stream) => {
        stream.send(lpEncode(IdentifyMessage.encode({ agentVersion: 'x'.repeat(9000), listenAddrs: [], protocols: [] })))
        await stream.close().catch(() => {})
      })
      await expect(a.services.identify.identify(connection)).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')
      expect(await a.peerStore.has(b.peerId)).to.equal(false)
      await expectConnectionUsable(connection)
    })

    it('rejects garbage (InvalidMessageError)', async () => {
      const connection = await answerWith(async (stream) => {
        stream.send(lpEncode(Uint8Array.from([0x0a, 0x7f, 0x01, 0x02])))
        await stream.close().catch(() => {})
      })
      await expect(a.services.identify.identify(connection)).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
      await expectConnectionUsable(connection)
    })

    it('rejects a public key that is not the peer\'s (UnexpectedPeerError) and stores nothing', async () => {
      const other = await generateKeyPair('Ed25519')
      const connection = await answerWith(async (stream) => {
        await writeIdentify(stream, {
          publicKey: publicKeyToProtobuf(other.publicKey) as Uint8Array<ArrayBuffer>,
          listenAddrs: [multiaddr('/memory/liar').bytes as Uint8Array<ArrayBuffer>],
          protocols: ['/liar/1.0.0']
        })
        await stream.close().catch(() => {})
      })
      await expect(a.services.identify.identify(connection)).to.eventually.be.rejected.with.property('name', 'UnexpectedPeerError')
      expect(await a.peerStore.has(b.peerId)).to.equal(false)
      await expectConnectionUsable(connection)
    })

    it('aborts the stream of a rejected message', async () => {
      let closed: Promise<Error | undefined> | undefined
      const connection = await answerWith(async (stream) => {
        closed = new Promise((resolve) => { stream.addEventListener('close', (evt) => { resolve(evt.detail.error) }, { once: true }) })
        stream.send(lpEncode(new Uint8Array(9000)))
      })
      await expect(a.services.identify.identify(connection)).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')
      expect(await closed).to.have.property('name', 'StreamResetError')
    })

    it('gives up after timeout (TimeoutError)', async () => {
      const impatient = track(await createNode<Services>({ services: { identify: identify({ runOnConnectionOpen: false, timeout: 200 }), identifyPush: identifyPush() } }))
      await b.handle(IDENTIFY_PROTOCOL, async (stream) => {
        // never answers; the read ends when the other side gives up
        await stream.read().catch(() => {})
      })
      const connection = await impatient.dial(b.getMultiaddrs()[0])
      await expect(impatient.services.identify.identify(connection)).to.eventually.be.rejected.with.property('name', 'TimeoutError')
      expect(connection.status).to.equal('open')
    })

    it('gives UnsupportedProtocolError when the peer does not speak identify', async () => {
      const connection = await a.dial(b.getMultiaddrs()[0])
      await expect(a.services.identify.identify(connection)).to.eventually.be.rejected.with.property('name', 'UnsupportedProtocolError')
      await expectConnectionUsable(connection)
    })

    it('identify() before start gives NotStartedError', async () => {
      await a.stop()
      await expect(a.services.identify.identify({} as unknown as Connection)).to.eventually.be.rejected.with.property('name', 'NotStartedError')
    })
  })
})
