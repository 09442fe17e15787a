import { generateKeyPair, privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { MAX_ENVELOPE_BYTES, MAX_PEER_RECORD_ADDRESSES, PeerRecord, RecordEnvelope, openPeerRecord } from '../src/index.js'
import { PeerRecord as PeerRecordMessage } from '../src/pb/peer-record.js'
import { ed25519Record } from './fixtures/vectors.js'
import type { PeerId, PrivateKey } from '@libp2p/interface'

const hex = (s: string): Uint8Array => uint8ArrayFromString(s, 'base16')
const toHex = (b: Uint8Array): string => uint8ArrayToString(b, 'base16')
const DECODE_ERRORS = ['InvalidMessageError', 'MessageTooLargeError']

function decodeResult (bytes: Uint8Array): string {
  try {
    PeerRecord.createFromProtobuf(bytes)
    return 'ok'
  } catch (err: any) {
    return err?.name
  }
}

async function openResult (bytes: Uint8Array): Promise<string> {
  try {
    await openPeerRecord(bytes)
    return 'ok'
  } catch (err: any) {
    return err?.name
  }
}

describe('PeerRecord', () => {
  let key: PrivateKey
  let peerId: PeerId

  before(async () => {
    key = await generateKeyPair('Ed25519')
    peerId = peerIdFromPrivateKey(key)
  })

  it('has the domain and payload type go-libp2p and js-libp2p use', () => {
    expect(PeerRecord.DOMAIN).to.equal('libp2p-peer-record')
    expect([...PeerRecord.CODEC]).to.deep.equal([0x03, 0x01])

    const record = new PeerRecord({ peerId })
    expect(record.domain).to.equal(PeerRecord.DOMAIN)
    expect([...record.codec]).to.deep.equal([0x03, 0x01])
  })

  it('encodes the RFC 0003 example as computed independently', () => {
    const record = new PeerRecord({
      peerId: peerIdFromString(ed25519Record.peerId),
      seqNumber: ed25519Record.seq,
      multiaddrs: ed25519Record.multiaddrs.map(str => multiaddr(str))
    })

    expect(toHex(record.marshal())).to.equal(ed25519Record.record)
  })

  it('decodes the RFC 0003 example', () => {
    const record = PeerRecord.createFromProtobuf(hex(ed25519Record.record))

    expect(record.peerId.toString()).to.equal(ed25519Record.peerId)
    expect(record.seqNumber).to.equal(ed25519Record.seq)
    expect(record.multiaddrs.map(ma => ma.toString())).to.deep.equal(ed25519Record.multiaddrs)
  })

  it('round trips through its protobuf', () => {
    const record = new PeerRecord({
      peerId,
      seqNumber: (1n << 64n) - 1n,
      multiaddrs: [multiaddr('/ip4/127.0.0.1/tcp/4001'), multiaddr('/ip6/::1/udp/4001/quic-v1'), multiaddr('/dns4/example.com/tcp/443/wss')]
    })
    const decoded = PeerRecord.createFromProtobuf(record.marshal())

    expect(decoded.equals(record)).to.equal(true)
    expect(record.equals(decoded)).to.equal(true)
    expect(decoded.seqNumber).to.equal((1n << 64n) - 1n)
    expect(decoded.peerId.equals(peerId)).to.equal(true)
    expect(decoded.multiaddrs.map(ma => ma.toString())).to.deep.equal(record.multiaddrs.map(ma => ma.toString()))
  })

  it('round trips an RSA peer id (sha256 multihash)', async () => {
    const rsaId = peerIdFromPrivateKey(await generateKeyPair('RSA'))
    const record = new PeerRecord({ peerId: rsaId, seqNumber: 1n, multiaddrs: [] })
    const decoded = PeerRecord.createFromProtobuf(record.marshal())

    expect(decoded.peerId.equals(rsaId)).to.equal(true)
    expect(decoded.multiaddrs).to.deep.equal([])
  })

  it('is not equal to a record with another seq, addresses or peer', async () => {
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const ma = multiaddr('/ip4/127.0.0.1/tcp/1')
    const record = new PeerRecord({ peerId, seqNumber: 5n, multiaddrs: [ma] })

    expect(record.equals(new PeerRecord({ peerId, seqNumber: 5n, multiaddrs: [ma] }))).to.equal(true)
    expect(record.equals(new PeerRecord({ peerId, seqNumber: 6n, multiaddrs: [ma] }))).to.equal(false)
    expect(record.equals(new PeerRecord({ peerId, seqNumber: 5n, multiaddrs: [] }))).to.equal(false)
    expect(record.equals(new PeerRecord({ peerId, seqNumber: 5n, multiaddrs: [multiaddr('/ip4/127.0.0.1/tcp/2')] }))).to.equal(false)
    expect(record.equals(new PeerRecord({ peerId: other, seqNumber: 5n, multiaddrs: [ma] }))).to.equal(false)
    expect(record.equals(undefined)).to.equal(false)
    expect(record.equals('record')).to.equal(false)
  })

  it('gives strictly increasing default sequence numbers on the nanosecond scale', () => {
    const before = BigInt(Date.now()) * 1_000_000n
    const seqs = Array.from({ length: 100 }, () => new PeerRecord({ peerId }).seqNumber)
    const after = BigInt(Date.now()) * 1_000_000n

    for (let i = 1; i < seqs.length; i++) {
      expect(seqs[i] > seqs[i - 1]).to.equal(true)
    }

    expect(seqs[0] >= before).to.equal(true)
    // bumps of one per record at most push it 100 ns past the clock
    expect(seqs[seqs.length - 1] <= after + 100n).to.equal(true)
  })

  it('rejects bad constructor arguments', () => {
    const cases: any[] = [
      undefined,
      {},
      { peerId: peerId.toString() },
      { peerId, multiaddrs: ['/ip4/127.0.0.1/tcp/1'] },
      { peerId, multiaddrs: 'x' },
      { peerId, seqNumber: 1 },
      { peerId, seqNumber: -1n },
      { peerId, seqNumber: 1n << 64n }
    ]

    for (const init of cases) {
      expect(() => new PeerRecord(init)).to.throw().with.property('name', 'InvalidParametersError')
    }
  })

  it(`holds at most ${MAX_PEER_RECORD_ADDRESSES} addresses`, () => {
    const ma = multiaddr('/ip4/127.0.0.1/tcp/1')
    const full = new PeerRecord({ peerId, multiaddrs: new Array(MAX_PEER_RECORD_ADDRESSES).fill(ma) })

    expect(PeerRecord.createFromProtobuf(full.marshal()).multiaddrs).to.have.length(MAX_PEER_RECORD_ADDRESSES)
    expect(() => new PeerRecord({ peerId, multiaddrs: new Array(MAX_PEER_RECORD_ADDRESSES + 1).fill(ma) })).to.throw().with.property('name', 'MessageTooLargeError')

    const tooMany = PeerRecordMessage.encode({
      peerId: peerId.toMultihash().bytes,
      seq: 1n,
      addresses: new Array(MAX_PEER_RECORD_ADDRESSES + 1).fill({ multiaddr: ma.bytes })
    })
    expect(() => PeerRecord.createFromProtobuf(tooMany)).to.throw().with.property('name', 'MessageTooLargeError')
  })

  it(`rejects records over ${MAX_ENVELOPE_BYTES} bytes`, () => {
    expect(() => PeerRecord.createFromProtobuf(new Uint8Array(MAX_ENVELOPE_BYTES + 1))).to.throw().with.property('name', 'MessageTooLargeError')
  })

  it('rejects records with an invalid peer id or address', () => {
    const ma = multiaddr('/ip4/127.0.0.1/tcp/1').bytes
    const mh = peerIdFromString(ed25519Record.peerId).toMultihash().bytes
    const bad: Array<[string, Uint8Array]> = [
      ['no peer id', PeerRecordMessage.encode({ seq: 1n, addresses: [{ multiaddr: ma }] })],
      ['a truncated peer id', PeerRecordMessage.encode({ peerId: mh.subarray(0, 20), seq: 1n })],
      ['a sha2-512 peer id', PeerRecordMessage.encode({ peerId: Uint8Array.from([0x13, 0x40, ...new Uint8Array(64)]), seq: 1n })],
      ['an identity peer id that is no key', PeerRecordMessage.encode({ peerId: Uint8Array.from([0x00, 0x03, 1, 2, 3]), seq: 1n })],
      ['an empty address', PeerRecordMessage.encode({ peerId: mh, seq: 1n, addresses: [{ multiaddr: ma }, { multiaddr: new Uint8Array(0) }] })],
      ['an unknown protocol', PeerRecordMessage.encode({ peerId: mh, seq: 1n, addresses: [{ multiaddr: Uint8Array.from([0xff, 0xff, 0x03, 0x00]) }] })],
      ['a truncated address', PeerRecordMessage.encode({ peerId: mh, seq: 1n, addresses: [{ multiaddr: ma.subarray(0, 3) }] })]
    ]

    for (const [name, bytes] of bad) {
      expect(() => PeerRecord.createFromProtobuf(bytes), name).to.throw().with.property('name', 'InvalidMessageError')
    }
  })

  it('rejects every truncation of a record with a typed error', () => {
    const bytes = hex(ed25519Record.record)

    for (let length = 0; length < bytes.byteLength; length++) {
      const result = decodeResult(bytes.subarray(0, length))
      // a cut at a field boundary leaves a shorter, valid record; anything else must be a typed error
      if (result !== 'ok') {
        expect(DECODE_ERRORS).to.include(result, `truncated to ${length} bytes`)
      }
    }

    // without the peer id nothing is valid
    for (let length = 0; length < 40; length++) {
      expect(decodeResult(bytes.subarray(0, length))).to.equal('InvalidMessageError')
    }
  })

  it('fuzz: random bytes decode or give a typed error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const result = decodeResult(bytes)
      if (result !== 'ok') {
        expect(DECODE_ERRORS).to.include(result)
      }
    }), { numRuns: 2000 })
  })

  it('fuzz: records with random addresses decode or give a typed error', () => {
    const mh = peerIdFromString(ed25519Record.peerId).toMultihash().bytes

    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 5 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (addrs, seq) => {
      const bytes = PeerRecordMessage.encode({ peerId: mh, seq, addresses: addrs.map(multiaddr => ({ multiaddr: Uint8Array.from(multiaddr) })) })
      const result = decodeResult(bytes)

      if (result === 'ok') {
        const record = PeerRecord.createFromProtobuf(bytes)
        expect(record.seqNumber).to.equal(seq)
        expect(PeerRecord.createFromProtobuf(record.marshal()).equals(record)).to.equal(true)
      } else {
        expect(DECODE_ERRORS).to.include(result)
      }
    }), { numRuns: 2000 })
  })
})

describe('openPeerRecord', () => {
  let key: PrivateKey
  let peerId: PeerId

  before(async () => {
    key = await generateKeyPair('Ed25519')
    peerId = peerIdFromPrivateKey(key)
  })

  it('opens the independently computed signed record', async () => {
    const { envelope, record } = await openPeerRecord(hex(ed25519Record.envelope))

    expect(record.peerId.toString()).to.equal(ed25519Record.peerId)
    expect(envelope.peerId.toString()).to.equal(ed25519Record.peerId)
    expect(record.seqNumber).to.equal(ed25519Record.seq)
    expect(record.multiaddrs.map(ma => ma.toString())).to.deep.equal(ed25519Record.multiaddrs)
  })

  it('seals to the independently computed bytes', async () => {
    const record = new PeerRecord({
      peerId: peerIdFromString(ed25519Record.peerId),
      seqNumber: ed25519Record.seq,
      multiaddrs: ed25519Record.multiaddrs.map(str => multiaddr(str))
    })
    const envelope = await RecordEnvelope.seal(record, privateKeyFromProtobuf(hex(ed25519Record.privateKey)))

    expect(toHex(envelope.marshal())).to.equal(ed25519Record.envelope)
  })

  for (const type of ['Ed25519', 'secp256k1', 'ECDSA', 'RSA'] as const) {
    it(`round trips a record signed with a ${type} key`, async () => {
      const signer = await generateKeyPair(type)
      const record = new PeerRecord({ peerId: peerIdFromPrivateKey(signer), multiaddrs: [multiaddr('/ip4/10.0.0.1/tcp/4001')] })
      const sealed = await RecordEnvelope.seal(record, signer)
      const opened = await openPeerRecord(sealed.marshal())

      expect(opened.record.equals(record)).to.equal(true)
      expect(opened.envelope.equals(sealed)).to.equal(true)
      expect(opened.envelope.peerId.equals(record.peerId)).to.equal(true)
    })
  }

  it('rejects a record signed by a peer other than the one it names', async () => {
    const other = await generateKeyPair('Ed25519')
    const record = new PeerRecord({ peerId, multiaddrs: [multiaddr('/ip4/10.0.0.1/tcp/4001')] })
    const sealed = await RecordEnvelope.seal(record, other)

    await expect(openPeerRecord(sealed.marshal())).to.eventually.be.rejected.with.property('name', 'InvalidSignatureError')
  })

  it('rejects a record sealed for another domain or with another payload type', async () => {
    const record = new PeerRecord({ peerId, multiaddrs: [] })
    const otherDomain = { domain: 'libp2p-routing-state', codec: PeerRecord.CODEC, marshal: () => record.marshal(), equals: () => false }
    const otherType = { domain: PeerRecord.DOMAIN, codec: Uint8Array.from([0x03, 0x02]), marshal: () => record.marshal(), equals: () => false }

    await expect(openPeerRecord((await RecordEnvelope.seal(otherDomain, key)).marshal())).to.eventually.be.rejected.with.property('name', 'InvalidSignatureError')
    await expect(openPeerRecord((await RecordEnvelope.seal(otherType, key)).marshal())).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('rejects a signed payload that is not a peer record', async () => {
    const garbage = { domain: PeerRecord.DOMAIN, codec: PeerRecord.CODEC, marshal: () => Uint8Array.from([0xff, 0xff]), equals: () => false }

    await expect(openPeerRecord((await RecordEnvelope.seal(garbage, key)).marshal())).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('fuzz: a single byte change to a signed record never opens to a different record', async () => {
    const bytes = hex(ed25519Record.envelope)
    const { record: original } = await openPeerRecord(bytes)

    await fc.assert(fc.asyncProperty(fc.nat({ max: bytes.byteLength - 1 }), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
      const mutated = Uint8Array.from(bytes)
      mutated[index] ^= flip
      const result = await openResult(mutated)

      if (result === 'ok') {
        // only a change the decoder reads the same way (e.g. a tag's wire type bits) can open
        expect((await openPeerRecord(mutated)).record.equals(original)).to.equal(true)
      } else {
        expect(['InvalidSignatureError', ...DECODE_ERRORS]).to.include(result)
      }
    }), { numRuns: 1000 })
  })
})
