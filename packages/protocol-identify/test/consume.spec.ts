import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { consumeIdentify } from '../src/consume.js'
import type { ConsumeComponents } from '../src/consume.js'
import type { Identify } from '../src/pb/message.js'
import type { Connection, PeerId, PeerStore, PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const log = defaultLogger().forComponent('test:identify:consume')

async function sealedRecord (key: PrivateKey, addrs: string[], peerId = peerIdFromPrivateKey(key)): Promise<Uint8Array<ArrayBuffer>> {
  const envelope = await RecordEnvelope.seal(new PeerRecord({ peerId, multiaddrs: addrs.map(a => multiaddr(a)) }), key)
  return envelope.marshal() as Uint8Array<ArrayBuffer>
}

describe('consumeIdentify', () => {
  let peerStore: PeerStore
  let observed: Array<{ addr: Multiaddr, reporter?: PeerId }>
  let components: ConsumeComponents
  let remoteKey: PrivateKey
  let remotePeer: PeerId
  let connection: Connection

  beforeEach(async () => {
    const node = await createLibp2p({ start: false })
    peerStore = node.peerStore
    observed = []
    components = { peerStore, addressManager: { addObservedAddr: (addr, reporter) => { observed.push({ addr, reporter }) } } }
    remoteKey = await generateKeyPair('Ed25519')
    remotePeer = peerIdFromPrivateKey(remoteKey)
    // only the fields consumeIdentify reads
    connection = { remotePeer, remoteAddr: multiaddr('/ip4/10.0.0.2/tcp/4001') } as unknown as Connection
  })

  function message (fields: Partial<Identify> = {}): Identify {
    return {
      protocolVersion: 'ipfs/0.1.0',
      agentVersion: 'remote/1.0.0',
      publicKey: publicKeyToProtobuf(remoteKey.publicKey) as Uint8Array<ArrayBuffer>,
      listenAddrs: [multiaddr('/ip4/10.0.0.2/tcp/4001').bytes as Uint8Array<ArrayBuffer>],
      observedAddr: multiaddr('/ip4/10.0.0.1/tcp/5555').bytes as Uint8Array<ArrayBuffer>,
      protocols: ['/a/1.0.0', '/b/1.0.0'],
      ...fields
    }
  }

  it('a peer announcing more protocols than the peer store keeps is identified: the first 256 are stored', async () => {
    const protocols = Array.from({ length: 300 }, (_, i) => `/p/${String(i).padStart(3, '0')}/1.0.0`)
    const result = await consumeIdentify(components, connection, message({ protocols }), { push: false, log })
    // the event reports what the remote announced; the store keeps what fits
    expect(result.protocols).to.have.lengthOf(300)
    const peer = await peerStore.get(remotePeer)
    expect(peer.protocols).to.deep.equal(protocols.slice(0, 256))
    expect(peer.addresses).to.have.lengthOf(1)
    expect(uint8ArrayToString(peer.metadata.get('AgentVersion') ?? new Uint8Array())).to.equal('remote/1.0.0')
  })

  it('an agent version longer than the peer store keeps is left out; the rest is stored', async () => {
    const result = await consumeIdentify(components, connection, message({ agentVersion: 'x'.repeat(5000) }), { push: false, log })
    expect(result.protocols).to.deep.equal(['/a/1.0.0', '/b/1.0.0'])
    const peer = await peerStore.get(remotePeer)
    expect(peer.protocols).to.deep.equal(['/a/1.0.0', '/b/1.0.0'])
    expect(peer.metadata.has('AgentVersion')).to.equal(false)
  })

  it('stores protocols, plain addresses, metadata and the key, and reports the observed address', async () => {
    const result = await consumeIdentify(components, connection, message(), { push: false, log })
    const peer = await peerStore.get(remotePeer)
    expect(peer.protocols).to.deep.equal(['/a/1.0.0', '/b/1.0.0'])
    expect(peer.addresses.map(a => [a.multiaddr.toString(), a.isCertified])).to.deep.equal([['/ip4/10.0.0.2/tcp/4001', false]])
    expect(uint8ArrayToString(peer.metadata.get('AgentVersion') ?? new Uint8Array())).to.equal('remote/1.0.0')
    expect(uint8ArrayToString(peer.metadata.get('ProtocolVersion') ?? new Uint8Array())).to.equal('ipfs/0.1.0')
    expect(observed.map(o => [o.addr.toString(), o.reporter?.toString()])).to.deep.equal([['/ip4/10.0.0.1/tcp/5555', remotePeer.toString()]])
    expect(result.peerId.equals(remotePeer)).to.equal(true)
    expect(result.agentVersion).to.equal('remote/1.0.0')
    expect(result.listenAddrs.map(String)).to.deep.equal(['/ip4/10.0.0.2/tcp/4001'])
    expect(result.signedPeerRecord).to.equal(undefined)
  })

  it('stores the addresses of a signed peer record as certified, ignoring plain listenAddrs', async () => {
    const signedPeerRecord = await sealedRecord(remoteKey, ['/ip4/1.2.3.4/tcp/1', '/ip4/1.2.3.4/udp/1/quic-v1'])
    const result = await consumeIdentify(components, connection, message({ signedPeerRecord }), { push: false, log })
    const peer = await peerStore.get(remotePeer)
    expect(peer.addresses.map(a => [a.multiaddr.toString(), a.isCertified])).to.deep.equal([
      ['/ip4/1.2.3.4/tcp/1', true], ['/ip4/1.2.3.4/udp/1/quic-v1', true]
    ])
    expect(peer.peerRecordEnvelope).to.deep.equal(signedPeerRecord)
    expect(result.signedPeerRecord?.addresses.map(String)).to.deep.equal(['/ip4/1.2.3.4/tcp/1', '/ip4/1.2.3.4/udp/1/quic-v1'])
    expect(result.listenAddrs.map(String)).to.deep.equal(['/ip4/1.2.3.4/tcp/1', '/ip4/1.2.3.4/udp/1/quic-v1'])
  })

  it('refuses the public key of another peer (UnexpectedPeerError) and stores nothing', async () => {
    const other = await generateKeyPair('Ed25519')
    await expect(consumeIdentify(components, connection, message({ publicKey: publicKeyToProtobuf(other.publicKey) as Uint8Array<ArrayBuffer> }), { push: false, log }))
      .to.eventually.be.rejected.with.property('name', 'UnexpectedPeerError')
    expect(await peerStore.has(remotePeer)).to.equal(false)
    expect(observed).to.be.empty()
  })

  it('refuses a public key that does not decode with a typed error', async () => {
    await expect(consumeIdentify(components, connection, message({ publicKey: Uint8Array.from([8, 1, 18, 3, 1, 2, 3]) }), { push: false, log }))
      .to.eventually.be.rejected.with.property('name').that.is.oneOf(['InvalidPublicKeyError', 'UnsupportedKeyTypeError'])
    expect(await peerStore.has(remotePeer)).to.equal(false)
  })

  it('refuses a peer record of another peer (UnexpectedPeerError)', async () => {
    const other = await generateKeyPair('Ed25519')
    const signedPeerRecord = await sealedRecord(other, ['/ip4/6.6.6.6/tcp/1'])
    await expect(consumeIdentify(components, connection, message({ signedPeerRecord }), { push: false, log }))
      .to.eventually.be.rejected.with.property('name', 'UnexpectedPeerError')
    expect(await peerStore.has(remotePeer)).to.equal(false)
  })

  it('refuses a peer record whose signature does not verify (InvalidSignatureError)', async () => {
    const signedPeerRecord = await sealedRecord(remoteKey, ['/ip4/1.2.3.4/tcp/1'])
    // the signature is the last field: flip its last byte
    signedPeerRecord[signedPeerRecord.byteLength - 1] ^= 0xff
    await expect(consumeIdentify(components, connection, message({ signedPeerRecord }), { push: false, log }))
      .to.eventually.be.rejected.with.property('name', 'InvalidSignatureError')
    expect(await peerStore.has(remotePeer)).to.equal(false)
  })

  it('refuses a peer record that does not decode (InvalidMessageError)', async () => {
    await expect(consumeIdentify(components, connection, message({ signedPeerRecord: Uint8Array.from([0x0a, 0x09, 1]) }), { push: false, log }))
      .to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('a push replaces only the fields it carries', async () => {
    await consumeIdentify(components, connection, message(), { push: false, log })
    const result = await consumeIdentify(components, connection, { agentVersion: 'remote/2.0.0', listenAddrs: [], protocols: [] }, { push: true, log })
    const peer = await peerStore.get(remotePeer)
    expect(peer.protocols).to.deep.equal(['/a/1.0.0', '/b/1.0.0'])
    expect(peer.addresses.map(a => a.multiaddr.toString())).to.deep.equal(['/ip4/10.0.0.2/tcp/4001'])
    expect(uint8ArrayToString(peer.metadata.get('AgentVersion') ?? new Uint8Array())).to.equal('remote/2.0.0')
    expect(uint8ArrayToString(peer.metadata.get('ProtocolVersion') ?? new Uint8Array())).to.equal('ipfs/0.1.0')
    // the result shows what is now known
    expect(result.protocols).to.deep.equal(['/a/1.0.0', '/b/1.0.0'])
    expect(result.protocolVersion).to.equal('ipfs/0.1.0')
    expect(result.listenAddrs.map(String)).to.deep.equal(['/ip4/10.0.0.2/tcp/4001'])

    await consumeIdentify(components, connection, { protocols: ['/c/1.0.0'], listenAddrs: [] }, { push: true, log })
    expect((await peerStore.get(remotePeer)).protocols).to.deep.equal(['/c/1.0.0'])
  })

  it('a push does not report the observed address', async () => {
    await consumeIdentify(components, connection, message(), { push: true, log })
    expect(observed).to.be.empty()
  })

  it('does not report a relayed observed address', async () => {
    const relayed = multiaddr(`/ip4/1.1.1.1/tcp/1/p2p/${remotePeer}/p2p-circuit`).bytes as Uint8Array<ArrayBuffer>
    await consumeIdentify(components, connection, message({ observedAddr: relayed }), { push: false, log })
    expect(observed).to.be.empty()
  })

  it('skips listen addresses that do not parse', async () => {
    const result = await consumeIdentify(components, connection, message({
      listenAddrs: [Uint8Array.from([0xff, 0xff, 0x7f]), multiaddr('/ip4/10.0.0.3/tcp/1').bytes as Uint8Array<ArrayBuffer>]
    }), { push: false, log })
    expect(result.listenAddrs.map(String)).to.deep.equal(['/ip4/10.0.0.3/tcp/1'])
  })

  it('an older peer record changes no addresses', async () => {
    const older = await sealedRecord(remoteKey, ['/ip4/1.1.1.1/tcp/1'])
    const newer = await sealedRecord(remoteKey, ['/ip4/2.2.2.2/tcp/1'])
    await consumeIdentify(components, connection, message({ signedPeerRecord: newer }), { push: false, log })
    await consumeIdentify(components, connection, message({ signedPeerRecord: older }), { push: false, log })
    expect((await peerStore.get(remotePeer)).addresses.map(a => a.multiaddr.toString())).to.deep.equal(['/ip4/2.2.2.2/tcp/1'])
  })
})
