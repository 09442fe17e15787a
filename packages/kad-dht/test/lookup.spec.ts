import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { compareCloseness, kadId, peerKadId } from '../src/kad-id.js'
import { peerResponseEvent, sendQueryEvent } from '../src/query/events.js'
import { Lookup, MAX_QUERIES_PER_LOOKUP } from '../src/query/lookup.js'
import { EventTypes, MessageType } from '../src/types.js'
import type { QueryContext } from '../src/query/lookup.js'
import type { QueryEvent } from '../src/types.js'
import type { PeerId } from '@libp2p/interface'

async function peers (n: number): Promise<PeerId[]> {
  return Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

function closestTo (target: Uint8Array, ids: PeerId[], count: number): PeerId[] {
  return [...ids].sort((a, b) => compareCloseness(target, peerKadId(a), peerKadId(b))).slice(0, count)
}

/** a simulated network: each peer knows its `known` closest peers to any target among all */
function simulated (all: PeerId[], options: { dead?: Set<string>, known?: number, onQuery?(peer: PeerId, ctx: QueryContext): void } = {}) {
  return async function * (peer: PeerId, ctx: QueryContext): AsyncGenerator<QueryEvent> {
    options.onQuery?.(peer, ctx)
    yield sendQueryEvent(peer, MessageType.FIND_NODE, ctx.path)
    // a turn of the event loop, as a real reply would take
    await new Promise(resolve => setTimeout(resolve, 0))
    if (options.dead?.has(peer.toString()) === true) { throw new Error('no answer') }
    const closer = closestTo(currentTarget, all.filter(p => !p.equals(peer)), options.known ?? 20)
    yield peerResponseEvent(peer, MessageType.FIND_NODE, ctx.path, { closer: closer.map(id => ({ id, multiaddrs: [] })) })
  }
}

let currentTarget: Uint8Array

async function drain (lookup: Lookup): Promise<QueryEvent[]> {
  const events: QueryEvent[] = []
  for await (const e of lookup.run()) { events.push(e) }
  return events
}

describe('the iterative lookup', function () {
  this.timeout(60_000)
  let all: PeerId[]
  let self: PeerId

  before(async () => {
    [self, ...all] = await peers(301)
  })

  it('finds the k closest peers of the network from seeds far away', async () => {
    currentTarget = kadId(new TextEncoder().encode('some key'))
    // seeds: the 5 farthest peers
    const seeds = closestTo(currentTarget, all, all.length).slice(-5)
    const lookup = new Lookup({ target: currentTarget, seeds, self, k: 20, alpha: 3, disjointPaths: 1, query: simulated(all), signal: new AbortController().signal })
    await drain(lookup)
    expect(lookup.closest().map(String)).to.deep.equal(closestTo(currentTarget, all, 20).map(String))
  })

  it('keeps at most α requests in flight and never asks a peer twice', async () => {
    currentTarget = kadId(new TextEncoder().encode('another key'))
    let running = 0
    let most = 0
    const asked = new Set<string>()
    const query = simulated(all, {
      onQuery: (peer) => {
        expect(asked.has(peer.toString())).to.equal(false)
        asked.add(peer.toString())
        running++
        most = Math.max(most, running)
      }
    })
    const counted = async function * (peer: PeerId, ctx: QueryContext): AsyncGenerator<QueryEvent> {
      try { yield * query(peer, ctx) } finally { running-- }
    }
    const lookup = new Lookup({ target: currentTarget, seeds: all.slice(0, 30), self, k: 20, alpha: 4, disjointPaths: 1, query: counted, signal: new AbortController().signal })
    await drain(lookup)
    expect(most).to.be.at.most(4)
    expect(most).to.equal(4)
  })

  it('ends once the k closest answered (go\'s rule): it does not ask the whole network', async () => {
    currentTarget = kadId(new TextEncoder().encode('third key'))
    const events = await drain(new Lookup({ target: currentTarget, seeds: all.slice(0, 20), self, k: 20, alpha: 10, disjointPaths: 1, query: simulated(all), signal: new AbortController().signal }))
    const sent = events.filter(e => e.type === EventTypes.SEND_QUERY).length
    expect(sent).to.be.below(all.length / 2)
  })

  it('skips peers that fail and still finds the closest live ones', async () => {
    currentTarget = kadId(new TextEncoder().encode('fourth key'))
    // peers return 30: with the 10 closest dead, 20 live ones must still be reachable through answers
    const dead = new Set(closestTo(currentTarget, all, 10).map(String))
    const lookup = new Lookup({ target: currentTarget, seeds: all.slice(0, 20), self, k: 20, alpha: 10, disjointPaths: 1, query: simulated(all, { dead, known: 30 }), signal: new AbortController().signal })
    const events = await drain(lookup)
    expect(events.filter(e => e.type === EventTypes.QUERY_ERROR).length).to.be.at.least(10)
    const live = closestTo(currentTarget, all.filter(p => !dead.has(p.toString())), 20)
    expect(lookup.closest().map(String)).to.deep.equal(live.map(String))
  })

  it('a flood of ever-closer fake peers cannot keep it going past its query cap', async () => {
    currentTarget = kadId(new TextEncoder().encode('fifth key'))
    const fakes = await peers(64)
    let calls = 0
    const liar = async function * (peer: PeerId, ctx: QueryContext): AsyncGenerator<QueryEvent> {
      calls++
      yield sendQueryEvent(peer, MessageType.FIND_NODE, ctx.path)
      await new Promise(resolve => setTimeout(resolve, 0))
      // every peer returns 64 fresh ids that do not answer
      yield peerResponseEvent(peer, MessageType.FIND_NODE, ctx.path, { closer: fakes.splice(0, 64).map(id => ({ id, multiaddrs: [] })) })
      fakes.push(...await peers(64))
    }
    await drain(new Lookup({ target: currentTarget, seeds: all.slice(0, 3), self, k: 20, alpha: 10, disjointPaths: 1, query: liar, signal: new AbortController().signal }))
    expect(calls).to.be.at.most(MAX_QUERIES_PER_LOOKUP)
  })

  it('disjoint paths never share a peer, and each event names its path', async () => {
    currentTarget = kadId(new TextEncoder().encode('sixth key'))
    const byPath = new Map<number, Set<string>>()
    const query = simulated(all, {
      onQuery: (peer, ctx) => {
        const set = byPath.get(ctx.path.index) ?? new Set()
        set.add(peer.toString())
        byPath.set(ctx.path.index, set)
      }
    })
    const lookup = new Lookup({ target: currentTarget, seeds: all.slice(0, 40), self, k: 20, alpha: 3, disjointPaths: 4, query, signal: new AbortController().signal })
    const events = await drain(lookup)
    expect(byPath.size).to.equal(4)
    const union = [...byPath.values()].flatMap(s => [...s])
    expect(new Set(union).size).to.equal(union.length)
    expect(events.filter(e => e.type === EventTypes.PATH_ENDED).length).to.equal(4)
    expect(events.every(e => e.path.total === 4)).to.equal(true)
  })

  it('leaving the iteration aborts the requests in flight', async () => {
    currentTarget = kadId(new TextEncoder().encode('seventh key'))
    const signals: AbortSignal[] = []
    const hanging = async function * (peer: PeerId, ctx: QueryContext): AsyncGenerator<QueryEvent> {
      signals.push(ctx.signal)
      yield sendQueryEvent(peer, MessageType.FIND_NODE, ctx.path)
      await new Promise((_resolve, reject) => { ctx.signal.addEventListener('abort', () => { reject(ctx.signal.reason) }) })
    }
    const lookup = new Lookup({ target: currentTarget, seeds: all.slice(0, 5), self, k: 20, alpha: 5, disjointPaths: 1, query: hanging, signal: new AbortController().signal })
    for await (const event of lookup.run()) {
      if (event.type === EventTypes.SEND_QUERY) { break }
    }
    expect(signals.length).to.equal(5)
    expect(signals.every(s => s.aborted)).to.equal(true)
  })

  it('the caller\'s signal ends it with the signal\'s reason', async () => {
    currentTarget = kadId(new TextEncoder().encode('eighth key'))
    const controller = new AbortController()
    const lookup = new Lookup({ target: currentTarget, seeds: all.slice(0, 5), self, k: 20, alpha: 5, disjointPaths: 1, query: simulated(all), signal: controller.signal })
    const iterate = async (): Promise<void> => {
      for await (const event of lookup.run()) {
        if (event.type === EventTypes.PEER_RESPONSE) { controller.abort(new RangeError('caller')) }
      }
    }
    await expect(iterate()).to.eventually.be.rejectedWith(RangeError)
  })
})
