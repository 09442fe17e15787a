import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore } from '@libp2p/peer-store'
import { expect } from 'aegir/chai'
import { concat as uint8ArrayConcat } from 'uint8arrays/concat'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { RECORD_VALIDITY_MS } from '../src/constants.js'
import { RecordStore, defaultSelectors, defaultValidators } from '../src/records/index.js'
import type { RecordStoreInit } from '../src/records/index.js'
import type { Selectors, Validators } from '../src/types.js'

/** '/num/<name>' holds a decimal number; the larger wins; '/num/bad...' never validates */
const validators: Validators = {
  ...defaultValidators,
  num: (key, value) => {
    if (uint8ArrayToString(key).startsWith('/num/bad') || !/^\d+$/.test(uint8ArrayToString(value))) { throw new RangeError('not a number') }
  }
}
const selectors: Selectors = {
  ...defaultSelectors,
  num: (key, values) => {
    const numbers = values.map(v => Number(uint8ArrayToString(v)))
    return numbers.indexOf(Math.max(...numbers))
  }
}

function num (name: string, n: number): { key: Uint8Array, value: Uint8Array } {
  return { key: uint8ArrayFromString(`/num/${name}`), value: uint8ArrayFromString(String(n)) }
}

describe('records: RecordStore', () => {
  let datastore: MemoryDatastore
  let clock: number

  function newStore (init: RecordStoreInit = {}, v: Validators = validators): RecordStore {
    return new RecordStore({ datastore, logger: defaultLogger() }, { validators: v, selectors, now: () => clock, ...init })
  }

  beforeEach(() => {
    datastore = new MemoryDatastore()
    clock = Date.UTC(2026, 0, 1)
  })

  it('stores a valid /pk/ record with timeReceived = now, and deletes it', async () => {
    const store = newStore()
    const key = await generateKeyPair('Ed25519')
    const record = { key: uint8ArrayConcat([uint8ArrayFromString('/pk/'), peerIdFromPrivateKey(key).toMultihash().bytes]), value: publicKeyToProtobuf(key.publicKey) }
    expect(await store.put(record)).to.equal(true)
    expect(await store.get(record.key)).to.deep.equal({ ...record, timeReceived: new Date(clock) })
    await store.delete(record.key)
    expect(await store.get(record.key)).to.equal(undefined)
    expect(datastore.size).to.equal(0)
  })

  it('refuses an invalid record or one with no validator, and stores nothing', async () => {
    const store = newStore()
    await expect(store.put(num('bad', 1))).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')
    await expect(store.put({ key: uint8ArrayFromString('/nope/x'), value: new Uint8Array(1) })).to.eventually.be.rejected.with.property('name', 'InvalidRecordError')
    expect(datastore.size).to.equal(0)
  })

  it('refuses an oversize value or key with LimitExceededError', async () => {
    const store = newStore({ maxValueBytes: 4, maxKeyBytes: 12 })
    await store.put(num('a', 1234))
    await expect(store.put(num('a', 12345))).to.eventually.be.rejected
      .with.property('message').that.matches(/maxValueBytes=4/)
    await expect(store.put(num('toolongkey', 1))).to.eventually.be.rejected
      .with.property('name', 'LimitExceededError')
    expect(await store.get(num('toolongkey', 1).key)).to.equal(undefined)
  })

  it('keeps the better of the stored and the new value', async () => {
    const store = newStore()
    await store.put(num('a', 5))
    expect(await store.put(num('a', 3))).to.equal(false)
    expect(uint8ArrayToString((await store.get(num('a', 0).key))?.value ?? new Uint8Array())).to.equal('5')
    clock += 1000
    expect(await store.put(num('a', 7))).to.equal(true)
    const stored = await store.get(num('a', 0).key)
    expect(uint8ArrayToString(stored?.value ?? new Uint8Array())).to.equal('7')
    expect(stored?.timeReceived?.getTime()).to.equal(clock)
  })

  it('keeps the better value when two puts of one key run at once', async () => {
    for (const order of [[7, 5], [5, 7]]) {
      const store = newStore()
      await Promise.all(order.map(async n => store.put(num('a', n))))
      expect(uint8ArrayToString((await store.get(num('a', 0).key))?.value ?? new Uint8Array()), order.join()).to.equal('7')
    }
  })

  it('refuses a new key past maxRecords with LimitExceededError, but replaces a stored one', async () => {
    const store = newStore({ maxRecords: 2 })
    await store.put(num('a', 1))
    await store.put(num('b', 1))
    const err = await store.put(num('c', 1)).catch(e => e)
    expect(err).to.have.property('name', 'LimitExceededError')
    expect(err).to.include({ limit: 'maxRecords', value: 2 })
    expect(await store.put(num('b', 2))).to.equal(true)
    await store.delete(num('a', 0).key)
    await store.put(num('c', 1))
  })

  it('makes room for a new key by dropping expired records when full', async () => {
    const store = newStore({ maxRecords: 2, maxRecordAge: 1000 })
    await store.put(num('a', 1))
    clock += 600
    await store.put(num('b', 1))
    clock += 600
    await store.put(num('c', 1))
    expect(await store.get(num('a', 0).key)).to.equal(undefined)
    expect(await store.get(num('b', 0).key)).to.have.property('timeReceived')
    expect(datastore.size).to.equal(2)
  })

  it('stops serving a record older than maxRecordAge (default 36 h) and deletes it', async () => {
    const store = newStore()
    await store.put(num('a', 1))
    clock += RECORD_VALIDITY_MS
    expect(await store.get(num('a', 0).key)).to.have.property('value')
    clock += 1
    expect(await store.get(num('a', 0).key)).to.equal(undefined)
    expect(datastore.size).to.equal(0)
  })

  it('deletes a stored record that the validators no longer accept', async () => {
    await newStore().put(num('a', 1))
    const stricter = newStore({}, { num: () => { throw new RangeError('changed my mind') } })
    expect(await stricter.get(num('a', 0).key)).to.equal(undefined)
    expect(datastore.size).to.equal(0)
  })

  it('deletes a stored entry that does not decode', async () => {
    const store = newStore()
    await store.put(num('a', 1))
    for (const { key } of datastore.query({})) { datastore.put(key, Uint8Array.from([0xff])) }
    expect(await store.get(num('a', 0).key)).to.equal(undefined)
    expect(datastore.size).to.equal(0)
  })

  it('keeps records across a restart over the same datastore, and counts them against maxRecords', async () => {
    await newStore().put(num('a', 1))
    const restarted = newStore({ maxRecords: 1, datastorePrefix: '/dht' })
    expect(uint8ArrayToString((await restarted.get(num('a', 0).key))?.value ?? new Uint8Array())).to.equal('1')
    await expect(restarted.put(num('b', 1))).to.eventually.be.rejected.with.property('name', 'LimitExceededError')
    // another prefix is another store
    expect(await newStore({ datastorePrefix: '/other' }).get(num('a', 0).key)).to.equal(undefined)
  })
})
