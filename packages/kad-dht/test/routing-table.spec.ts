import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { compareCloseness, kadId, peerKadId, commonPrefixLength } from '../src/kad-id.js'
import { randomKeyForCpl } from '../src/routing-table/index.js'
import { cplOf, newPeerStore, newTable, peersInBucket, randomPeer, randomPeers } from './routing-table-fixtures.js'
import type { PeerId, PeerStore } from '@libp2p/interface'

function events (table: EventTarget): { added: string[], removed: string[] } {
  const seen = { added: [] as string[], removed: [] as string[] }
  table.addEventListener('peer:add', (evt) => { seen.added.push((evt as CustomEvent<PeerId>).detail.toString()) })
  table.addEventListener('peer:remove', (evt) => { seen.removed.push((evt as CustomEvent<PeerId>).detail.toString()) })
  return seen
}

describe('routing table: placement and lookup', () => {
  it('puts each peer in the bucket of its common prefix length with our kad id', async () => {
    // with k = 1 and every old contact answering, each bucket keeps the first peer offered for it
    const { self, table, ping } = await newTable({ kBucketSize: 1 })
    const peers = await randomPeers(60)
    for (const p of peers) { ping.auto.set(p.toString(), 'answer') }
    const firstPerCpl = new Map<number, PeerId>()
    for (const p of peers) {
      const cpl = cplOf(self, p)
      if (!firstPerCpl.has(cpl)) { firstPerCpl.set(cpl, p) }
      expect(await table.add(p)).to.equal(firstPerCpl.get(cpl) === p)
    }
    expect(table.size).to.equal(firstPerCpl.size)
    for (const p of peers) {
      expect(table.has(p)).to.equal(firstPerCpl.get(cplOf(self, p)) === p)
    }
    // every refused peer contested its bucket's single peer
    expect(ping.calls).to.have.lengthOf(peers.length - firstPerCpl.size)
    for (const pinged of ping.calls) {
      expect([...firstPerCpl.values()].some(p => p.equals(pinged))).to.equal(true)
    }
  })

  it('refuses our own id, and re-adding a member keeps it', async () => {
    const { self, table } = await newTable()
    const [p] = await randomPeers(1)
    expect(await table.add(self)).to.equal(false)
    expect(await table.add(p)).to.equal(true)
    expect(await table.add(p)).to.equal(true)
    expect(table.size).to.equal(1)
  })

  it('closestPeers orders the table like a brute-force sort by XOR distance (500 random peers)', async function () {
    this.timeout(60_000)
    // k large enough that every peer fits (bucket 0 takes about half of them)
    const { self, table } = await newTable({ kBucketSize: 500 })
    const peers = await randomPeers(500)
    for (const p of peers) { expect(await table.add(p)).to.equal(true) }
    expect(table.size).to.equal(500)
    const ids = new Map(peers.map(p => [p.toString(), peerKadId(p)]))
    const targets = [peerKadId(self), peerKadId(peers[7]), ...Array.from({ length: 30 }, (_, i) => kadId(new Uint8Array([i, 1, 2])))]
    for (const target of targets) {
      const brute = [...peers].sort((a, b) => compareCloseness(target, ids.get(a.toString()) ?? target, ids.get(b.toString()) ?? target))
      for (const count of [1, 20, 77, 500, 600]) {
        const got = table.closestPeers(target, count).map(p => p.toString())
        expect(got).to.deep.equal(brute.slice(0, count).map(p => p.toString()))
      }
    }
    expect(table.closestPeers(peerKadId(self))).to.have.lengthOf(500)
    expect(table.closestPeers(peerKadId(self), 0)).to.deep.equal([])
    expect(() => table.closestPeers(new Uint8Array(20))).to.throw().with.property('name', 'InvalidParametersError')
  })

  it('remove() takes a peer out and fires peer:remove; events fire for every change', async () => {
    const { table } = await newTable()
    const seen = events(table)
    const peers = await randomPeers(3)
    for (const p of peers) { await table.add(p) }
    await table.remove(peers[1])
    await table.remove(peers[1])
    expect(table.has(peers[1])).to.equal(false)
    expect(table.size).to.equal(2)
    expect(seen.added).to.deep.equal(peers.map(p => p.toString()))
    expect(seen.removed).to.deep.equal([peers[1].toString()])
  })

  it('validates its init', async () => {
    await expect(newTable({ pingOldContactConcurrency: 0 })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(newTable({ kBucketSize: 1.5 })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})

describe('routing table: ping before evict', () => {
  it('evicts the least recently seen peer when it does not answer, and admits the newcomer', async () => {
    const { self, table, ping } = await newTable({ kBucketSize: 2 })
    const [a, b, c] = await peersInBucket(self, 0, 3)
    const seen = events(table)
    expect(await table.add(a)).to.equal(true)
    expect(await table.add(b)).to.equal(true)
    const adding = table.add(c)
    await until(() => ping.pending === 1, 'the old contact is pinged')
    expect(ping.calls.map(p => p.toString())).to.deep.equal([a.toString()])
    ping.failAll()
    expect(await adding).to.equal(true)
    expect(table.has(a)).to.equal(false)
    expect(table.has(b)).to.equal(true)
    expect(table.has(c)).to.equal(true)
    expect(seen.removed).to.deep.equal([a.toString()])
    expect(seen.added).to.deep.equal([a, b, c].map(p => p.toString()))
  })

  it('keeps an old peer that answers, moves it to the back, and drops the newcomer', async () => {
    const { self, table, ping } = await newTable({ kBucketSize: 2 })
    const [a, b, c, d] = await peersInBucket(self, 0, 4)
    await table.add(a)
    await table.add(b)
    const adding = table.add(c)
    await until(() => ping.pending === 1, 'a is pinged')
    ping.answerAll()
    expect(await adding).to.equal(false)
    expect(table.has(a)).to.equal(true)
    expect(table.has(c)).to.equal(false)
    // a answered, so b is now the least recently seen: the next newcomer contests b
    const next = table.add(d)
    await until(() => ping.pending === 1, 'b is pinged')
    expect(ping.calls.map(p => p.toString())).to.deep.equal([a.toString(), b.toString()])
    ping.failAll()
    expect(await next).to.equal(true)
    expect(table.has(b)).to.equal(false)
  })

  it('evicts an old peer that stays silent past pingOldContactTimeout', async () => {
    const { self, table, ping } = await newTable({ kBucketSize: 1, pingOldContactTimeout: 50 })
    const [a, b] = await peersInBucket(self, 0, 2)
    await table.add(a)
    // the scripted ping never settles on its own: only the timeout's abort ends it
    expect(await table.add(b)).to.equal(true)
    expect(table.has(a)).to.equal(false)
    expect(ping.calls).to.have.lengthOf(1)
  })

  it('collapses concurrent adds of one peer into one contest', async () => {
    const { self, table, ping } = await newTable({ kBucketSize: 1 })
    const [a, b] = await peersInBucket(self, 0, 2)
    await table.add(a)
    const adds = [table.add(b), table.add(b), table.add(b)]
    await until(() => ping.pending === 1, 'a is pinged')
    ping.failAll()
    expect(await Promise.all(adds)).to.deep.equal([true, true, true])
    expect(ping.calls).to.have.lengthOf(1)
  })

  it('bounds the ping queue: a flood of newcomers to full buckets holds at most concurrency + queue size adds', async function () {
    this.timeout(60_000)
    const concurrency = 2
    const maxQueue = 5
    const { self, table, ping } = await newTable({ kBucketSize: 20, pingOldContactConcurrency: concurrency, pingOldContactMaxQueueSize: maxQueue })
    const [old, newcomers] = await Promise.all([peersInBucket(self, 0, 20), peersInBucket(self, 0, 200)])
    for (const p of old) { await table.add(p) }
    let settled = 0
    const results = newcomers.map(async p => table.add(p).finally(() => { settled++ }))
    // everyone past the bound is refused at once, without waiting for a ping
    await until(() => settled === newcomers.length - concurrency - maxQueue, 'the overflow is refused')
    expect(ping.pending).to.equal(concurrency)
    expect(ping.calls).to.have.lengthOf(concurrency)
    // the old contacts answer: the waiting contests run, a slot at a time, and all keep their peer
    const busyOrDone = (): boolean => ping.pending > 0 || settled === newcomers.length
    for (let round = 0; settled < newcomers.length; round++) {
      expect(round).to.be.below(10)
      await until(busyOrDone, 'a ping runs or all settled')
      ping.answerAll()
      await until(busyOrDone, 'the next ping runs or all settled')
    }
    expect(await Promise.all(results)).to.satisfy((r: boolean[]) => r.every(x => !x))
    expect(ping.calls).to.have.lengthOf(concurrency + maxQueue)
    expect(table.size).to.equal(20)
  })

  it('bounds the adds in progress: past ping concurrency + queue size + 100, an add is refused at once', async function () {
    this.timeout(60_000)
    // a peer store whose address reads wait for the test: every add stays in progress until released
    const self = await randomPeer()
    const store = newPeerStore(self)
    let release = (): void => {}
    const gate = new Promise<void>(resolve => { release = resolve })
    const slowStore: PeerStore = {
      ...store,
      all: async (query) => store.all(query),
      merge: async (peer, data, options) => store.merge(peer, data, options),
      getInfo: async (peer, options) => { await gate; return store.getInfo(peer, options) }
    }
    const { table } = await newTable({ kBucketSize: 1024, diversityFilter: true, pingOldContactConcurrency: 1, pingOldContactMaxQueueSize: 4 }, { self, peerStore: slowStore })
    const bound = 1 + 4 + 100
    const peers = await randomPeers(bound + 20)
    let settled = 0
    const results = peers.map(async p => table.add(p).finally(() => { settled++ }))
    await until(() => settled === 20, 'the adds past the bound are refused')
    release()
    const admitted = await Promise.all(results)
    expect(admitted.filter(Boolean)).to.have.lengthOf(bound)
    expect(admitted.slice(bound).some(Boolean)).to.equal(false)
  })

  it('stop() aborts pings in flight and waiting; the table keeps its peers', async () => {
    const { self, table, ping } = await newTable({ kBucketSize: 2, pingOldContactConcurrency: 1 })
    const [a, b, c, d] = await peersInBucket(self, 0, 4)
    await table.add(a)
    await table.add(b)
    const adds = [table.add(c), table.add(d)]
    await until(() => ping.pending === 1, 'a ping runs')
    await table.stop()
    expect(await Promise.all(adds)).to.deep.equal([false, false])
    expect(table.has(a)).to.equal(true)
    expect(table.has(b)).to.equal(true)
    expect(ping.pending).to.equal(0)
  })

  it('a caller abort ends its add with AbortError and evicts no one', async () => {
    const { self, table, ping } = await newTable({ kBucketSize: 1 })
    const [a, b] = await peersInBucket(self, 0, 2)
    await table.add(a)
    const controller = new AbortController()
    const adding = table.add(b, { signal: controller.signal })
    await until(() => ping.pending === 1, 'a is pinged')
    controller.abort()
    await expect(adding).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect(table.has(a)).to.equal(true)
  })
})

describe('routing table: refresh bookkeeping', () => {
  it('randomKeyForCpl gives a key with exactly the asked common prefix length, cpl 0..15, capped at 15', async function () {
    this.timeout(60_000)
    const [p] = await randomPeers(1)
    const self = peerKadId(p)
    for (let cpl = 0; cpl <= 15; cpl++) {
      const key = randomKeyForCpl(self, cpl)
      expect(key.subarray(0, 2)).to.deep.equal(new Uint8Array([0x12, 0x20]))
      expect(key).to.have.lengthOf(34)
      expect(commonPrefixLength(self, kadId(key))).to.equal(cpl)
    }
    expect(commonPrefixLength(self, kadId(randomKeyForCpl(self, 40)))).to.equal(15)
    expect(randomKeyForCpl(self, 3)).to.not.deep.equal(randomKeyForCpl(self, 3))
    expect(() => randomKeyForCpl(self, -1)).to.throw().with.property('name', 'InvalidParametersError')
    expect(() => randomKeyForCpl(self.subarray(1), 1)).to.throw().with.property('name', 'InvalidParametersError')
  })

  it('staleBuckets lists buckets 0..deepest not refreshed within maxAge; markRefreshed resets them (injected clock)', async () => {
    let now = 1_000_000
    const { self, table } = await newTable({ now: () => now })
    expect(table.staleBuckets(1000)).to.deep.equal([])
    const [[a], [b]] = await Promise.all([peersInBucket(self, 0, 1), peersInBucket(self, 3, 1)])
    await table.add(a)
    expect(table.staleBuckets(1000)).to.deep.equal([0])
    await table.add(b)
    expect(table.staleBuckets(1000)).to.deep.equal([0, 1, 2, 3])
    for (const cpl of [0, 1, 2, 3]) { table.markRefreshed(cpl) }
    expect(table.staleBuckets(1000)).to.deep.equal([])
    now += 999
    expect(table.staleBuckets(1000)).to.deep.equal([])
    table.markRefreshed(2)
    now += 1
    expect(table.staleBuckets(1000)).to.deep.equal([0, 1, 3])
    table.markRefreshed(200)
    expect(() => { table.markRefreshed(-1) }).to.throw().with.property('name', 'InvalidParametersError')
  })
})
