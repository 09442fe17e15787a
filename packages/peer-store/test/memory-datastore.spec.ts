import { expect } from 'aegir/chai'
import { Key } from 'interface-datastore'
import { MemoryDatastore } from '../src/index.js'
import type { Datastore, KeyQuery, Pair } from 'interface-datastore'

const k = (s: string): Key => new Key(s)
const compare = (a: string, z: string): -1 | 0 | 1 => {
  if (a < z) { return -1 }
  return a > z ? 1 : 0
}
const b = (...values: number[]): Uint8Array => Uint8Array.from(values)

async function collect<T> (source: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of source) {
    out.push(item)
  }
  return out
}

describe('MemoryDatastore', () => {
  let memory: MemoryDatastore
  // used through the interface, as the peer store uses it
  let store: Datastore

  beforeEach(() => {
    memory = new MemoryDatastore()
    store = memory
  })

  it('put, get, has, delete', async () => {
    expect(await store.has(k('/a'))).to.be.false()
    expect((await store.put(k('/a'), b(1))).toString()).to.equal('/a')
    expect(await store.has(k('/a'))).to.be.true()
    expect(await store.get(k('/a'))).to.equalBytes(b(1))
    await store.put(k('/a'), b(2))
    expect(await store.get(k('/a'))).to.equalBytes(b(2))
    expect(memory.size).to.equal(1)
    await store.delete(k('/a'))
    expect(await store.has(k('/a'))).to.be.false()
    expect(memory.size).to.equal(0)
  })

  it('get of a missing key throws NotFoundError', async () => {
    expect(() => memory.get(k('/missing'))).to.throw().with.property('name', 'NotFoundError')
    await store.put(k('/gone'), b(1))
    await store.delete(k('/gone'))
    expect(() => memory.get(k('/gone'))).to.throw().with.property('name', 'NotFoundError')
  })

  it('deleting a missing key is a no-op', async () => {
    await store.delete(k('/missing'))
    expect(memory.size).to.equal(0)
  })

  it('keys that clean to the same string are the same key', async () => {
    await store.put(new Key('a'), b(1))
    expect(await store.get(new Key('/a'))).to.equalBytes(b(1))
  })

  it('copies values in: changing the put bytes later changes nothing', async () => {
    const value = b(1, 2, 3)
    await store.put(k('/a'), value)
    value[0] = 9
    expect(await store.get(k('/a'))).to.equalBytes(b(1, 2, 3))
  })

  it('copies values out: changing got or queried bytes changes nothing', async () => {
    await store.put(k('/a'), b(1, 2, 3))
    ;(await store.get(k('/a'))).fill(0)
    for (const pair of await collect(store.query({}))) {
      pair.value.fill(0)
    }
    for (const pair of await collect(store.getMany([k('/a')]))) {
      pair.value.fill(0)
    }
    expect(await store.get(k('/a'))).to.equalBytes(b(1, 2, 3))
  })

  it('copies only the view it is given', async () => {
    const backing = b(0, 1, 2, 3, 4)
    await store.put(k('/a'), backing.subarray(1, 3))
    const got = await store.get(k('/a'))
    expect(got).to.equalBytes(b(1, 2))
    expect(got.buffer.byteLength).to.equal(2)
  })

  it('putMany, getMany, deleteMany', async () => {
    const put = await collect(store.putMany([{ key: k('/a'), value: b(1) }, { key: k('/b'), value: b(2) }]))
    expect(put.map(String)).to.deep.equal(['/a', '/b'])
    const got = await collect(store.getMany((async function * () { yield k('/b'); yield k('/a') })()))
    expect(got.map(p => [p.key.toString(), [...p.value]])).to.deep.equal([['/b', [2]], ['/a', [1]]])
    await expect(collect(store.getMany([k('/missing')]))).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    expect((await collect(store.deleteMany([k('/a')]))).map(String)).to.deep.equal(['/a'])
    expect(await store.has(k('/a'))).to.be.false()
    expect(await store.has(k('/b'))).to.be.true()
  })

  describe('batch', () => {
    it('applies nothing before commit, everything at commit', async () => {
      await store.put(k('/old'), b(0))
      const batch = store.batch()
      batch.put(k('/a'), b(1))
      batch.put(k('/b'), b(2))
      batch.delete(k('/old'))
      expect(await store.has(k('/a'))).to.be.false()
      expect(await store.has(k('/old'))).to.be.true()
      await batch.commit()
      expect(await store.get(k('/a'))).to.equalBytes(b(1))
      expect(await store.get(k('/b'))).to.equalBytes(b(2))
      expect(await store.has(k('/old'))).to.be.false()
    })

    it('copies values when they are added to the batch', async () => {
      const value = b(1)
      const batch = store.batch()
      batch.put(k('/a'), value)
      value[0] = 9
      await batch.commit()
      expect(await store.get(k('/a'))).to.equalBytes(b(1))
    })
  })

  describe('query', () => {
    beforeEach(async () => {
      await store.put(k('/peers/c'), b(3))
      await store.put(k('/peers/a'), b(1))
      await store.put(k('/peers/b'), b(2))
      await store.put(k('/other/x'), b(9))
    })

    const byKey = (a: Pair, z: Pair): -1 | 0 | 1 => compare(a.key.toString(), z.key.toString())
    const byValueDesc = (a: Pair, z: Pair): -1 | 0 | 1 => compare(String(z.value[0]), String(a.value[0]))
    const keysOf = (pairs: Pair[]): string[] => pairs.map(p => p.key.toString())

    it('returns everything without a query', async () => {
      expect(await collect(store.query({}))).to.have.lengthOf(4)
    })

    it('filters by prefix', async () => {
      expect(keysOf(await collect(store.query({ prefix: '/peers/', orders: [byKey] })))).to.deep.equal(['/peers/a', '/peers/b', '/peers/c'])
      expect(await collect(store.query({ prefix: '/nothing' }))).to.deep.equal([])
    })

    it('applies every filter', async () => {
      const pairs = await collect(store.query({ filters: [(p) => p.value[0] > 1, (p) => p.key.toString().startsWith('/peers')] }))
      expect(keysOf(pairs).sort()).to.deep.equal(['/peers/b', '/peers/c'])
    })

    it('orders, then skips offset, then stops at limit', async () => {
      expect(keysOf(await collect(store.query({ prefix: '/peers/', orders: [byValueDesc] })))).to.deep.equal(['/peers/c', '/peers/b', '/peers/a'])
      expect(keysOf(await collect(store.query({ prefix: '/peers/', orders: [byKey], offset: 1 })))).to.deep.equal(['/peers/b', '/peers/c'])
      expect(keysOf(await collect(store.query({ prefix: '/peers/', orders: [byKey], limit: 2 })))).to.deep.equal(['/peers/a', '/peers/b'])
      expect(keysOf(await collect(store.query({ prefix: '/peers/', orders: [byKey], offset: 1, limit: 1 })))).to.deep.equal(['/peers/b'])
      expect(await collect(store.query({ limit: 0 }))).to.deep.equal([])
      expect(await collect(store.query({ offset: 10 }))).to.deep.equal([])
    })

    it('returns the values', async () => {
      const pairs = await collect(store.query({ prefix: '/peers/', orders: [byKey] }))
      expect(pairs.map(p => [...p.value])).to.deep.equal([[1], [2], [3]])
    })

    it('a query is a snapshot: writes during iteration do not disturb it', async () => {
      const seen: string[] = []
      for await (const pair of store.query({ prefix: '/peers/', orders: [byKey] })) {
        seen.push(pair.key.toString())
        await store.put(k(`/peers/z${seen.length}`), b(0))
        await store.delete(k('/peers/c'))
      }
      expect(seen).to.deep.equal(['/peers/a', '/peers/b', '/peers/c'])
    })

    it('queryKeys: prefix, filters, orders, offset, limit', async () => {
      const keys = async (q: KeyQuery): Promise<string[]> => (await collect(store.queryKeys(q))).map(String)
      expect((await keys({})).sort()).to.deep.equal(['/other/x', '/peers/a', '/peers/b', '/peers/c'])
      const asc = (a: Key, z: Key): -1 | 0 | 1 => compare(a.toString(), z.toString())
      const desc = (a: Key, z: Key): -1 | 0 | 1 => asc(z, a)
      expect(await keys({ prefix: '/peers/', orders: [desc] })).to.deep.equal(['/peers/c', '/peers/b', '/peers/a'])
      expect(await keys({ prefix: '/peers/', orders: [asc], offset: 1, limit: 1 })).to.deep.equal(['/peers/b'])
      expect(await keys({ filters: [(key) => key.toString().endsWith('x')] })).to.deep.equal(['/other/x'])
      expect(await keys({ limit: 0 })).to.deep.equal([])
    })
  })
})
