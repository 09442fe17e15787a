import { generateKeyPair, privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { envelopeSigningData } from '../src/envelope.js'
import { MAX_ENVELOPE_BYTES, RecordEnvelope } from '../src/index.js'
import { Envelope } from '../src/pb/envelope.js'
import { ed25519Record } from './fixtures/vectors.js'
import type { EnvelopeRecord } from '../src/index.js'
import type { KeyType, PrivateKey } from '@libp2p/interface'

const hex = (s: string): Uint8Array => uint8ArrayFromString(s, 'base16')
const toHex = (b: Uint8Array): string => uint8ArrayToString(b, 'base16')
const DOMAIN = 'test-domain'
const OPEN_ERRORS = ['InvalidMessageError', 'InvalidSignatureError', 'MessageTooLargeError']

class TestRecord implements EnvelopeRecord {
  readonly domain: string
  readonly codec: Uint8Array
  readonly data: Uint8Array

  constructor (data: Uint8Array, domain = DOMAIN, codec = Uint8Array.from([0x12, 0x34])) {
    this.data = data
    this.domain = domain
    this.codec = codec
  }

  marshal (): Uint8Array {
    return this.data
  }

  equals (other: unknown): boolean {
    return other instanceof TestRecord && toHex(other.data) === toHex(this.data)
  }
}

async function expectRejects (promise: Promise<unknown>, name: string): Promise<void> {
  await expect(promise).to.eventually.be.rejected.with.property('name', name)
}

/** the error name a failing open gave, or 'ok' */
async function openResult (bytes: Uint8Array, domain = DOMAIN): Promise<string> {
  try {
    await RecordEnvelope.openAndCertify(bytes, domain)
    return 'ok'
  } catch (err: any) {
    return err?.name
  }
}

describe('the envelope signing buffer', () => {
  it('is the varint-prefixed domain, payload type and payload (RFC 0002)', () => {
    const data = envelopeSigningData('libp2p-peer-record', Uint8Array.from([0x03, 0x01]), hex(ed25519Record.record))
    expect(toHex(data)).to.equal(ed25519Record.signingData)
  })

  it('uses multi-byte varints for long fields', () => {
    const payload = new Uint8Array(300).fill(7)
    const data = envelopeSigningData('d', new Uint8Array(0), payload)

    expect([...data.subarray(0, 5)]).to.deep.equal([0x01, 0x64, 0x00, 0xac, 0x02])
    expect(data.byteLength).to.equal(5 + 300)
  })

  it('encodes the domain as UTF-8', () => {
    const data = envelopeSigningData('é', new Uint8Array(0), new Uint8Array(0))
    expect([...data]).to.deep.equal([0x02, 0xc3, 0xa9, 0x00, 0x00])
  })
})

describe('RecordEnvelope with a known Ed25519 key', () => {
  let key: PrivateKey

  before(() => {
    key = privateKeyFromProtobuf(hex(ed25519Record.privateKey))
  })

  it('seals to the bytes computed independently', async () => {
    const record = new TestRecord(hex(ed25519Record.record), 'libp2p-peer-record', Uint8Array.from([0x03, 0x01]))
    const envelope = await RecordEnvelope.seal(record, key)

    expect(toHex(envelope.signature)).to.equal(ed25519Record.signature)
    expect(toHex(envelope.marshal())).to.equal(ed25519Record.envelope)
    expect(envelope.peerId.toString()).to.equal(ed25519Record.peerId)
  })

  it('opens the independently computed envelope', async () => {
    const envelope = await RecordEnvelope.openAndCertify(hex(ed25519Record.envelope), 'libp2p-peer-record')

    expect(toHex(envelope.payload)).to.equal(ed25519Record.record)
    expect([...envelope.payloadType]).to.deep.equal([0x03, 0x01])
    expect(envelope.peerId.toString()).to.equal(ed25519Record.peerId)
    expect(await envelope.publicKey.verify(hex(ed25519Record.signingData), envelope.signature)).to.equal(true)
  })
})

describe('RecordEnvelope', () => {
  const types: KeyType[] = ['Ed25519', 'secp256k1', 'ECDSA', 'RSA']
  const keys = new Map<KeyType, PrivateKey>()

  before(async () => {
    for (const type of types) {
      keys.set(type, await generateKeyPair(type))
    }
  })

  for (const type of types) {
    it(`seals and opens with a ${type} key`, async () => {
      const key = keys.get(type) as PrivateKey
      const record = new TestRecord(uint8ArrayFromString(`hello from ${type}`))
      const envelope = await RecordEnvelope.seal(record, key)
      const bytes = envelope.marshal()

      const opened = await RecordEnvelope.openAndCertify(bytes, DOMAIN)
      expect(opened.equals(envelope)).to.equal(true)
      expect(opened.publicKey.equals(key.publicKey as any)).to.equal(true)
      expect(opened.peerId.equals(envelope.peerId)).to.equal(true)
      expect(toHex(opened.payload)).to.equal(toHex(record.data))
      expect(toHex(opened.payloadType)).to.equal('1234')
      expect(toHex(opened.marshal())).to.equal(toHex(bytes))

      // the signature is over the RFC 0002 buffer: check it with the key directly
      expect(await key.publicKey.verify(envelopeSigningData(DOMAIN, record.codec, record.data), envelope.signature)).to.equal(true)
    })
  }

  it('decodes without verifying, and validate says whether the signature holds for a domain', async () => {
    const envelope = await RecordEnvelope.seal(new TestRecord(Uint8Array.from([1, 2, 3])), keys.get('Ed25519') as PrivateKey)
    const decoded = RecordEnvelope.createFromProtobuf(envelope.marshal())

    expect(decoded.equals(envelope)).to.equal(true)
    expect(await decoded.validate(DOMAIN)).to.equal(true)
    expect(await decoded.validate('other-domain')).to.equal(false)
  })

  it('accepts a Uint8ArrayList, and keeps its own copy of the bytes', async () => {
    const envelope = await RecordEnvelope.seal(new TestRecord(Uint8Array.from([1, 2, 3])), keys.get('Ed25519') as PrivateKey)
    const bytes = Uint8Array.from(envelope.marshal())
    const list = new Uint8ArrayList(bytes.subarray(0, 10), bytes.subarray(10))

    expect((await RecordEnvelope.openAndCertify(list, DOMAIN)).equals(envelope)).to.equal(true)

    const opened = await RecordEnvelope.openAndCertify(bytes, DOMAIN)
    bytes.fill(0)
    expect(opened.equals(envelope)).to.equal(true)
    expect(await opened.validate(DOMAIN)).to.equal(true)
  })

  it('is not equal to an envelope with another payload, key or signature', async () => {
    const a = await RecordEnvelope.seal(new TestRecord(Uint8Array.from([1])), keys.get('Ed25519') as PrivateKey)
    const b = await RecordEnvelope.seal(new TestRecord(Uint8Array.from([2])), keys.get('Ed25519') as PrivateKey)
    const c = await RecordEnvelope.seal(new TestRecord(Uint8Array.from([1])), keys.get('secp256k1') as PrivateKey)

    expect(a.equals(b)).to.equal(false)
    expect(a.equals(c)).to.equal(false)
    expect(a.equals(undefined)).to.equal(false)
  })

  describe('rejects', () => {
    let envelope: RecordEnvelope
    let message: Envelope

    before(async () => {
      envelope = await RecordEnvelope.seal(new TestRecord(uint8ArrayFromString('payload')), keys.get('Ed25519') as PrivateKey)
      message = Envelope.decode(envelope.marshal())
    })

    it('a wrong domain', async () => {
      await expectRejects(RecordEnvelope.openAndCertify(envelope.marshal(), 'other-domain'), 'InvalidSignatureError')
      await expectRejects(RecordEnvelope.openAndCertify(envelope.marshal(), ''), 'InvalidSignatureError')
    })

    it('a tampered payload', async () => {
      const payload = Uint8Array.from(message.payload)
      payload[0] ^= 1
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, payload }), DOMAIN), 'InvalidSignatureError')
    })

    it('a tampered payload type', async () => {
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, payloadType: Uint8Array.from([0x12, 0x35]) }), DOMAIN), 'InvalidSignatureError')
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, payloadType: new Uint8Array(0) }), DOMAIN), 'InvalidSignatureError')
    })

    it('a tampered signature', async () => {
      const signature = Uint8Array.from(message.signature)
      signature[10] ^= 0x80
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, signature }), DOMAIN), 'InvalidSignatureError')
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, signature: signature.subarray(1) }), DOMAIN), 'InvalidSignatureError')
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, signature: new Uint8Array(0) }), DOMAIN), 'InvalidSignatureError')
    })

    it('a signature by another key than the one in the envelope', async () => {
      const other = keys.get('secp256k1') as PrivateKey
      const { publicKey } = Envelope.decode((await RecordEnvelope.seal(new TestRecord(new Uint8Array(0)), other)).marshal())
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, publicKey }), DOMAIN), 'InvalidSignatureError')
    })

    it('a missing or invalid public key', async () => {
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, publicKey: new Uint8Array(0) }), DOMAIN), 'InvalidMessageError')
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, publicKey: Uint8Array.from([0x08, 0x01, 0x12, 0x03, 1, 2, 3]) }), DOMAIN), 'InvalidMessageError')
      await expectRejects(RecordEnvelope.openAndCertify(Envelope.encode({ ...message, publicKey: Uint8Array.from([0x08, 0x09, 0x12, 0x00]) }), DOMAIN), 'InvalidMessageError')
    })

    it('every truncation of a valid envelope', async () => {
      const bytes = envelope.marshal()

      for (let length = 0; length < bytes.byteLength; length++) {
        const result = await openResult(bytes.subarray(0, length))
        expect(OPEN_ERRORS).to.include(result, `truncated to ${length} bytes`)
      }
    })

    it('bytes that are not a protobuf', async () => {
      for (const bytes of [Uint8Array.from([0xff]), Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), Uint8Array.from([0x0f, 0x00]), new Uint8Array(10).fill(0x80)]) {
        await expectRejects(RecordEnvelope.openAndCertify(bytes, DOMAIN), 'InvalidMessageError')
      }
    })

    it(`envelopes over ${MAX_ENVELOPE_BYTES} bytes, before decoding them`, async () => {
      const big = Envelope.encode({ ...message, payload: new Uint8Array(MAX_ENVELOPE_BYTES) })
      await expectRejects(RecordEnvelope.openAndCertify(big, DOMAIN), 'MessageTooLargeError')
      expect(() => RecordEnvelope.createFromProtobuf(new Uint8Array(MAX_ENVELOPE_BYTES + 1))).to.throw().with.property('name', 'MessageTooLargeError')
    })

    it('sealing a record that would make an envelope too large', async () => {
      await expectRejects(RecordEnvelope.seal(new TestRecord(new Uint8Array(MAX_ENVELOPE_BYTES)), keys.get('Ed25519') as PrivateKey), 'MessageTooLargeError')
    })

    it('arguments of the wrong kind', async () => {
      expect(() => RecordEnvelope.createFromProtobuf('bytes' as any)).to.throw().with.property('name', 'InvalidParametersError')
      expect(() => RecordEnvelope.createFromProtobuf(undefined as any)).to.throw().with.property('name', 'InvalidParametersError')
      await expectRejects(RecordEnvelope.seal({} as any, keys.get('Ed25519') as PrivateKey), 'InvalidParametersError')
      await expectRejects(RecordEnvelope.seal(new TestRecord(new Uint8Array(0)), {} as any), 'InvalidParametersError')
    })
  })

  describe('fuzzing', () => {
    let bytes: Uint8Array

    before(async () => {
      bytes = (await RecordEnvelope.seal(new TestRecord(uint8ArrayFromString('fuzz me')), keys.get('Ed25519') as PrivateKey)).marshal()
    })

    it('random bytes never open and only give typed errors', async () => {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (random) => {
        expect(OPEN_ERRORS).to.include(await openResult(random))
      }), { numRuns: 1000 })
    })

    it('random envelope-shaped messages never open and only give typed errors', async () => {
      const keyProtobuf = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 70 }))
        .map(([type, data]) => Uint8Array.from([0x08, type, 0x12, data.byteLength, ...data]))

      await fc.assert(fc.asyncProperty(fc.oneof(keyProtobuf, fc.constant(Envelope.decode(bytes).publicKey)), fc.uint8Array({ maxLength: 4 }), fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 80 }), async (publicKey, payloadType, payload, signature) => {
        const random = Envelope.encode({ publicKey: Uint8Array.from(publicKey), payloadType, payload, signature })
        expect(OPEN_ERRORS).to.include(await openResult(random))
      }), { numRuns: 1000 })
    })

    it('a single byte change to a valid envelope never opens to different contents', async () => {
      const original = RecordEnvelope.createFromProtobuf(bytes)

      await fc.assert(fc.asyncProperty(fc.nat({ max: bytes.byteLength - 1 }), fc.integer({ min: 1, max: 255 }), async (index, flip) => {
        const mutated = Uint8Array.from(bytes)
        mutated[index] ^= flip
        const result = await openResult(mutated)

        if (result === 'ok') {
          // the protobuf decoder does not check wire types, so e.g. a tag 0x0a -> 0x0b still
          // reads the same field: that is the same envelope, which is fine
          expect(RecordEnvelope.createFromProtobuf(mutated).equals(original)).to.equal(true)
        } else {
          expect(OPEN_ERRORS).to.include(result)
        }
      }), { numRuns: 1000 })
    })
  })
})
