import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { ipnsValidator, ipnsRecordKey, readIpnsRecord, selectIpnsRecord, signIpnsRecord } from '../src/records/index.js'

const NOW_MS = Date.UTC(2026, 0, 1)
const HOUR_MS = 3_600_000

describe('records: signing IPNS records', () => {
  it('makes a record the /ipns/ validator accepts, for Ed25519 and RSA keys, and reads its fields back', async function () {
    this.timeout(60_000)
    for (const key of [await generateKeyPair('Ed25519'), await generateKeyPair('RSA', 2048)]) {
      const record = await signIpnsRecord(key, uint8ArrayFromString('/ipfs/bafkqaaa'), { sequence: 7n, lifetime: HOUR_MS, ttl: 60_000, now: NOW_MS })
      const name = ipnsRecordKey(peerIdFromPrivateKey(key))
      expect(uint8ArrayToString(name.subarray(0, 6))).to.equal('/ipns/')
      await ipnsValidator({ now: () => NOW_MS + HOUR_MS - 1 })(name, record)
      const read = readIpnsRecord(record)
      expect(uint8ArrayToString(read.value)).to.equal('/ipfs/bafkqaaa')
      expect(read.sequence).to.equal(7n)
      expect(read.validity).to.equal('2026-01-01T01:00:00.000000000Z')
      expect(read.ttl).to.equal(60_000_000_000n)
    }
  })

  it('is refused past its lifetime and under another peer\'s name', async () => {
    const key = await generateKeyPair('Ed25519')
    const other = await generateKeyPair('Ed25519')
    const record = await signIpnsRecord(key, uint8ArrayFromString('v'), { sequence: 1n, lifetime: HOUR_MS, ttl: 0, now: NOW_MS })
    await expect(ipnsValidator({ now: () => NOW_MS + HOUR_MS + 1 })(ipnsRecordKey(peerIdFromPrivateKey(key)), record)).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')
    await expect(ipnsValidator({ now: () => NOW_MS })(ipnsRecordKey(peerIdFromPrivateKey(other)), record)).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')
  })

  it('a higher sequence wins the selection', async () => {
    const key = await generateKeyPair('Ed25519')
    const name = ipnsRecordKey(peerIdFromPrivateKey(key))
    const older = await signIpnsRecord(key, uint8ArrayFromString('a'), { sequence: 1n, lifetime: HOUR_MS, ttl: 0 })
    const newer = await signIpnsRecord(key, uint8ArrayFromString('b'), { sequence: 2n, lifetime: HOUR_MS, ttl: 0 })
    expect(await selectIpnsRecord(name, [older, newer])).to.equal(1)
  })

  it('refuses a negative sequence or a lifetime that is not positive', async () => {
    const key = await generateKeyPair('Ed25519')
    await expect(signIpnsRecord(key, new Uint8Array(), { sequence: -1n, lifetime: HOUR_MS, ttl: 0 })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(signIpnsRecord(key, new Uint8Array(), { sequence: 0n, lifetime: 0, ttl: 0 })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
