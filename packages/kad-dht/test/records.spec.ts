import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { concat as uint8ArrayConcat } from 'uint8arrays/concat'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { Record } from '../src/message/dht.js'
import { CborTag, decodeCbor, encodeCbor } from '../src/records/cbor.js'
import {
  bestRecord, decodeRecord, defaultSelectors, defaultValidators, encodeRecord, ipnsValidator, namespaceOf, verifyRecord,
  IPNS_MAX_RECORD_BYTES
} from '../src/records/index.js'
import { IpnsEntry } from '../src/records/ipns-entry.js'
import { formatRFC3339Nanos, parseRFC3339 } from '../src/records/rfc3339.js'
import type { CborMap } from '../src/records/cbor.js'
import type { Validators } from '../src/types.js'
import type { PrivateKey } from '@libp2p/interface'

const NOW_MS = Date.UTC(2026, 0, 1)
const HOUR_NS = 3_600_000_000_000n
const NOW_NS = BigInt(NOW_MS) * 1_000_000n

function pkKey (key: PrivateKey): Uint8Array {
  return uint8ArrayConcat([uint8ArrayFromString('/pk/'), peerIdFromPrivateKey(key).toMultihash().bytes])
}

function ipnsKey (key: PrivateKey): Uint8Array {
  return uint8ArrayConcat([uint8ArrayFromString('/ipns/'), peerIdFromPrivateKey(key).toMultihash().bytes])
}

interface IpnsOptions {
  sequence?: bigint
  eol?: bigint
  ttl?: bigint
  value?: string
  /** copy the fields into the legacy V1 protobuf fields */
  v1?: boolean
  /** set pubKey to this key's public key */
  pubKey?: PrivateKey
  /** sign with this key instead */
  signer?: PrivateKey
  /** change the data map after the defaults are set */
  data?(map: CborMap): void
  entry?(entry: IpnsEntry): void
}

/** an IPNS record made as the IPNS spec describes: DAG-CBOR data, V2 signature over 'ipns-signature:' + data */
async function ipnsRecord (key: PrivateKey, options: IpnsOptions = {}): Promise<Uint8Array> {
  const value = uint8ArrayFromString(options.value ?? '/ipfs/bafkqaaa')
  const validity = uint8ArrayFromString(formatRFC3339Nanos(options.eol ?? NOW_NS + HOUR_NS))
  const map: CborMap = { Value: value, Validity: validity, ValidityType: 0n, Sequence: options.sequence ?? 1n, TTL: options.ttl ?? 3_600_000_000_000n }
  options.data?.(map)
  const data = encodeCbor(map)
  const signer = options.signer ?? key
  const entry: IpnsEntry = {
    data,
    signatureV2: (await signer.sign(uint8ArrayConcat([uint8ArrayFromString('ipns-signature:'), data]))).slice()
  }
  if (options.v1 === true) {
    Object.assign(entry, { value, validity, validityType: IpnsEntry.ValidityType.EOL, sequence: map.Sequence, ttl: map.TTL, signatureV1: new Uint8Array(64) })
  }
  if (options.pubKey != null) { entry.pubKey = publicKeyToProtobuf(options.pubKey.publicKey) }
  options.entry?.(entry)
  return IpnsEntry.encode(entry)
}

const validators: Validators = { ...defaultValidators, ipns: ipnsValidator({ now: () => NOW_MS }) }

async function expectInvalid (promise: Promise<unknown>): Promise<void> {
  await expect(promise).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')
}

describe('records: namespaces', () => {
  it('takes the first path part of a key as its namespace', () => {
    expect(namespaceOf(uint8ArrayFromString('/pk/abc'))).to.equal('pk')
    expect(namespaceOf(uint8ArrayFromString('/ipns/x/y'))).to.equal('ipns')
  })

  it('gives no namespace to keys go cannot split', () => {
    for (const key of ['pk/abc', '//abc', '/pk', '/', '']) {
      expect(namespaceOf(uint8ArrayFromString(key)), key).to.equal(undefined)
    }
    expect(namespaceOf(Uint8Array.from([0x2f, 0xff, 0xfe, 0x2f, 0x01]))).to.equal(undefined)
  })
})

describe('records: /pk/', () => {
  it('accepts the public key of the peer the key names (Ed25519, secp256k1)', async () => {
    for (const type of ['Ed25519', 'secp256k1'] as const) {
      const key = await generateKeyPair(type)
      await verifyRecord(validators, pkKey(key), publicKeyToProtobuf(key.publicKey))
    }
  })

  it('refuses another peer\'s key, bytes that are no key, and a key that names no peer id', async () => {
    const key = await generateKeyPair('Ed25519')
    const other = await generateKeyPair('Ed25519')
    await expectInvalid(verifyRecord(validators, pkKey(key), publicKeyToProtobuf(other.publicKey)))
    await expectInvalid(verifyRecord(validators, pkKey(key), Uint8Array.from([1, 2, 3])))
    await expectInvalid(verifyRecord(validators, uint8ArrayFromString('/pk/not-a-multihash'), publicKeyToProtobuf(key.publicKey)))
  })
})

describe('records: validators', () => {
  it('refuses a key whose namespace has no validator, or no namespace', async () => {
    await expectInvalid(verifyRecord(validators, uint8ArrayFromString('/nope/x'), new Uint8Array(1)))
    await expectInvalid(verifyRecord(validators, uint8ArrayFromString('no-namespace'), new Uint8Array(1)))
    // an inherited property is not a validator
    await expectInvalid(verifyRecord(validators, uint8ArrayFromString('/constructor/x'), new Uint8Array(1)))
  })

  it('turns whatever a custom validator throws into an InvalidRecordError', async () => {
    const custom: Validators = { app: () => { throw new RangeError('no') } }
    await expect(verifyRecord(custom, uint8ArrayFromString('/app/x'), new Uint8Array(1)))
      .to.eventually.be.rejected.with.property('message').that.matches(/'app' validator rejected the record: no/)
  })
})

describe('records: /ipns/', () => {
  let key: PrivateKey

  before(async () => {
    key = await generateKeyPair('Ed25519')
  })

  it('accepts a V2-only record and a V1+V2 record whose V1 fields match', async () => {
    await verifyRecord(validators, ipnsKey(key), await ipnsRecord(key))
    await verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, { v1: true }))
    await verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, { pubKey: key }))
  })

  it('accepts extra DAG-CBOR fields, a CID among them (the data is extensible)', async () => {
    await verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, {
      data: (map) => { map.Extra = [true, null, 'x', -5n, new CborTag(42, new Uint8Array([0, 1]))] }
    }))
  })

  it('uses the key in pubKey for a peer id that does not embed one (RSA)', async function () {
    this.timeout(30_000)
    const rsa = await generateKeyPair('RSA', 2048)
    await verifyRecord(validators, ipnsKey(rsa), await ipnsRecord(rsa, { pubKey: rsa }))
    await expectInvalid(verifyRecord(validators, ipnsKey(rsa), await ipnsRecord(rsa)))
  })

  it('refuses a record signed by another key, or with another peer\'s pubKey', async () => {
    const other = await generateKeyPair('Ed25519')
    await expectInvalid(verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, { signer: other })))
    await expectInvalid(verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, { signer: other, pubKey: other })))
  })

  it('refuses data changed after signing and V1 fields that differ from the data', async () => {
    await expectInvalid(verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, {
      entry: (e) => { e.data = encodeCbor({ ...decodeCbor(e.data ?? new Uint8Array()) as CborMap, Sequence: 99n }) }
    })))
    await expectInvalid(verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, { v1: true, entry: (e) => { e.sequence = 2n } })))
    await expectInvalid(verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, { v1: true, entry: (e) => { e.value = uint8ArrayFromString('/ipfs/other') } })))
    // with value or signatureV1 present, an absent V1 field reads as 0 and must match too (IPNS spec, verification step 7)
    await expectInvalid(verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, { v1: true, entry: (e) => { delete e.ttl } })))
    await expectInvalid(verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, { entry: (e) => { e.signatureV1 = new Uint8Array(64) } })))
  })

  it('ignores V1 fields of a record with neither signatureV1 nor value (V2-only; go accepts it too)', async () => {
    await verifyRecord(validators, ipnsKey(key), await ipnsRecord(key, { entry: (e) => { e.ttl = 1n } }))
  })

  it('refuses an expired record, and accepts it while the clock is before its EOL', async () => {
    const record = await ipnsRecord(key, { eol: NOW_NS + 1_000_000n })
    await verifyRecord(validators, ipnsKey(key), record)
    const later: Validators = { ipns: ipnsValidator({ now: () => NOW_MS + 2 }) }
    await expectInvalid(verifyRecord(later, ipnsKey(key), record))
  })

  it('refuses a record over 10 KiB before parsing it', async () => {
    const big = await ipnsRecord(key, { value: `/ipfs/${'a'.repeat(IPNS_MAX_RECORD_BYTES)}` })
    await expect(verifyRecord(validators, ipnsKey(key), big))
      .to.eventually.be.rejected.with.property('message').that.matches(/more than 10240/)
  })

  it('refuses missing or malformed parts', async () => {
    const k = ipnsKey(key)
    await expectInvalid(verifyRecord(validators, k, await ipnsRecord(key, { entry: (e) => { delete e.signatureV2 } })))
    await expectInvalid(verifyRecord(validators, k, await ipnsRecord(key, { entry: (e) => { delete e.data } })))
    await expectInvalid(verifyRecord(validators, k, await ipnsRecord(key, { data: (m) => { m.ValidityType = 1n } })))
    await expectInvalid(verifyRecord(validators, k, await ipnsRecord(key, { data: (m) => { m.Validity = uint8ArrayFromString('tomorrow') } })))
    await expectInvalid(verifyRecord(validators, k, await ipnsRecord(key, { data: (m) => { m.Sequence = -1n } })))
    await expectInvalid(verifyRecord(validators, k, await ipnsRecord(key, { data: (m) => { delete m.Value } })))
    await expectInvalid(verifyRecord(validators, k, await ipnsRecord(key, { entry: (e) => { e.data = Uint8Array.from([0xbf]) } })))
    await expectInvalid(verifyRecord(validators, k, Uint8Array.from([0xff, 0xff])))
    await expectInvalid(verifyRecord(validators, uint8ArrayFromString('/ipns/xyz'), await ipnsRecord(key)))
  })
})

describe('records: selectors', () => {
  let key: PrivateKey

  before(async () => {
    key = await generateKeyPair('Ed25519')
  })

  it('picks the IPNS record with the highest sequence, then the later EOL', async () => {
    const k = ipnsKey(key)
    const seq1 = await ipnsRecord(key, { sequence: 1n, eol: NOW_NS + 10n * HOUR_NS })
    const seq2 = await ipnsRecord(key, { sequence: 2n })
    const seq2Later = await ipnsRecord(key, { sequence: 2n, eol: NOW_NS + HOUR_NS + 1n })
    expect(await bestRecord(defaultSelectors, k, [seq1, seq2])).to.equal(1)
    expect(await bestRecord(defaultSelectors, k, [seq2, seq1])).to.equal(0)
    expect(await bestRecord(defaultSelectors, k, [seq2, seq2Later, seq1])).to.equal(1)
    // the nanoseconds count: the two EOLs are 1 ns apart
    expect(await bestRecord(defaultSelectors, k, [seq2Later, seq2])).to.equal(0)
  })

  it('passes over IPNS values that do not parse, and fails when none does', async () => {
    const k = ipnsKey(key)
    expect(await bestRecord(defaultSelectors, k, [Uint8Array.from([1]), await ipnsRecord(key)])).to.equal(1)
    await expectInvalid(bestRecord(defaultSelectors, k, [Uint8Array.from([1]), Uint8Array.from([2])]))
  })

  it('gives 0 for one value or a namespace without a selector, and refuses an out-of-range answer', async () => {
    expect(await bestRecord(defaultSelectors, uint8ArrayFromString('/ipns/x'), [Uint8Array.from([1])])).to.equal(0)
    expect(await bestRecord(defaultSelectors, uint8ArrayFromString('/other/x'), [new Uint8Array(1), new Uint8Array(2)])).to.equal(0)
    expect(await bestRecord(defaultSelectors, pkKey(key), [new Uint8Array(1), new Uint8Array(2)])).to.equal(0)
    await expectInvalid(bestRecord({ app: () => 2 }, uint8ArrayFromString('/app/x'), [new Uint8Array(1), new Uint8Array(2)]))
    await expectInvalid(bestRecord(defaultSelectors, pkKey(key), []))
  })
})

describe('records: Record bytes', () => {
  it('round-trips key, value and timeReceived', () => {
    const record = { key: uint8ArrayFromString('/pk/x'), value: Uint8Array.from([1, 2, 3]), timeReceived: new Date(NOW_MS + 123) }
    const decoded = decodeRecord(encodeRecord(record))
    expect(decoded).to.deep.equal(record)
  })

  it('reads go\'s nanosecond timeReceived and drops one that does not parse', () => {
    const go = Record.encode({ key: Uint8Array.from([1]), value: Uint8Array.from([2]), timeReceived: '2026-01-01T00:00:00.123456789Z' })
    expect(decodeRecord(go).timeReceived?.getTime()).to.equal(NOW_MS + 123)
    const bad = Record.encode({ key: Uint8Array.from([1]), value: Uint8Array.from([2]), timeReceived: 'yesterday' })
    expect(decodeRecord(bad)).to.not.have.property('timeReceived')
  })

  it('throws InvalidMessageError for bytes that are not a Record', () => {
    expect(() => decodeRecord(Uint8Array.from([0x0a, 0x05, 0x01]))).to.throw().with.property('name', 'InvalidMessageError')
  })
})

describe('records: RFC 3339', () => {
  it('parses nanoseconds and offsets', () => {
    expect(parseRFC3339('2026-01-01T00:00:00Z')).to.equal(NOW_NS)
    expect(parseRFC3339('2026-01-01T00:00:00.000000001Z')).to.equal(NOW_NS + 1n)
    expect(parseRFC3339('2026-01-01T01:30:00.5+01:30')).to.equal(NOW_NS + 500_000_000n)
    expect(parseRFC3339('2025-12-31T23:00:00-01:00')).to.equal(NOW_NS)
    // year 1 is not read as 1901 (Date.UTC's two-digit years)
    expect(parseRFC3339('0001-01-01T00:00:00Z')).to.equal(-62_135_596_800_000n * 1_000_000n)
  })

  it('refuses what is not a valid time', () => {
    for (const text of ['2026-13-01T00:00:00Z', '2026-02-29T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:60Z',
      '2026-01-01 00:00:00Z', '2026-01-01T00:00:00', '2026-01-01T00:00:00.1234567890Z', '2026-01-01T00:00:00+25:00']) {
      expect(() => parseRFC3339(text), text).to.throw().with.property('name', 'InvalidParametersError')
    }
  })

  it('formats as go does and reads back the same instant', () => {
    expect(formatRFC3339Nanos(NOW_NS + 1n)).to.equal('2026-01-01T00:00:00.000000001Z')
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 253_402_300_799_999_999_999n }), (ns) => parseRFC3339(formatRFC3339Nanos(ns)) === ns))
  })
})

describe('records: DAG-CBOR', () => {
  it('orders map keys by length, then bytes', () => {
    expect(encodeCbor({ bb: 1, a: 2, TTL: 3 })).to.deep.equal(Uint8Array.from([0xa3, 0x61, 0x61, 0x02, 0x62, 0x62, 0x62, 0x01, 0x63, 0x54, 0x54, 0x4c, 0x03]))
  })

  it('decodes what it encodes', () => {
    const value = fc.letrec(tie => ({
      item: fc.oneof({ depthSize: 'small' }, fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n - 1n }), fc.boolean(), fc.constant(null), fc.string(),
        fc.uint8Array(), fc.array(tie('item')), fc.dictionary(fc.string(), tie('item')))
    })).item
    fc.assert(fc.property(value, (v) => {
      expect(decodeCbor(encodeCbor(v as any))).to.deep.equal(v)
    }), { numRuns: 200 })
  })

  it('refuses indefinite lengths, lengths past the end, duplicate or non-string keys, deep nesting, trailing bytes', () => {
    const bad = [
      [0x5f, 0x40, 0xff], // indefinite byte string
      [0x5a, 0xff, 0xff, 0xff, 0xff], // 4 GiB byte string in 5 bytes
      [0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // 2^64-1 items
      [0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02], // { a: 1, a: 2 }
      [0xa1, 0x01, 0x01], // { 1: 1 }
      [...new Array(40).fill(0x81), 0x01], // 40 nested arrays
      [0x01, 0x02], // trailing byte
      [0xc1, 0x01], // a tag other than 42
      [0xf7], // undefined
      [0x63, 0xff, 0xfe, 0xfd] // text that is not UTF-8
    ]
    for (const bytes of bad) {
      expect(() => decodeCbor(Uint8Array.from(bytes)), bytes.join(',')).to.throw().with.property('name', 'InvalidMessageError')
    }
  })
})
