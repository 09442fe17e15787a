// Kademlia DHT in ONE network of four implementations over TCP + Noise + Yamux on 127.0.0.1:
// two server-mode nodes each of ours (this process), js-libp2p 3.3.11 + @libp2p/kad-dht 16.4.5
// (Node 24), go-libp2p-kad-dht v0.42.2 and rust-libp2p 0.56's kad on /ipfs/kad/1.0.0, plus one
// client-mode node each. For every implementation X: a /pk/ record put on X is got on every other
// implementation, a CID provided on X is found (X as provider) on every other, and an X node is
// found with findPeer from every other, each asked of a server node and of the client node. In a
// network this small every server holds a copy of every record and provider, so a server may answer
// from its own store; a client holds none, so its answers come off the wire. go and rust are
// skipped, with the reason printed, when their toolchain is absent (docs/INTEROP.md, Kademlia DHT).
import assert from 'node:assert/strict'
import {
  buildGoPeer, buildRustPeer, eventually, loadOurs, pkRecord, randomContent, startGoPeer, startJsPeer,
  startOurPeer, startRustPeer
} from './dht-mixed-peers.mjs'
import { stopAllJsPeers } from './harness.mjs'

const KINDS = ['ours', 'js', 'go', 'rust']
const NODES_PER_KIND = 2
const OP_TIMEOUT_MS = 30_000
const NETWORK_TIMEOUT_MS = 60_000

/**
 * the source a get reports: go's GetValue names none, rust names the peer or none (its own store),
 * js and ours name the peer (themselves for their own store)
 */
function describeSource (got, getter, names) {
  if (!('from' in got)) { return 'not reported' }
  if (got.from == null || got.from === getter.peerId) { return 'own store' }
  return names.get(got.from) ?? got.from
}

describe('kad-dht: ours + js + go + rust in one network (TCP, 127.0.0.1)', function () {
  this.timeout(120_000)

  /** kind → its started nodes; a kind absent here is skipped with skipped[kind] as the reason */
  const nodes = {}
  /** kind → its client-mode node, which holds no records of others: its lookups are answered off the wire */
  const clients = {}
  const skipped = {}
  const records = {}
  const contents = {}
  /** where each get's value came from, printed at the end */
  const sources = []
  /** how many addresses came with each provider found (rust's answer lists ids only), printed at the end */
  const providerAddrs = []
  /** peer id → node name */
  const names = new Map()

  /**
   * who asks, per implementation: its second server node (which holds a copy of every record and
   * provider, being among the k closest in a network this small), and its client-mode node
   * (which holds none, so its answers come off the wire)
   */
  const ROLES = [
    { suffix: '', node: (kind) => nodes[kind][1] },
    { suffix: ' (client)', node: (kind) => clients[kind] }
  ]

  const needs = (ctx, ...kinds) => {
    for (const k of kinds) {
      if (skipped[k] != null) {
        console.log(`      SKIPPED: ${skipped[k]}`)
        ctx.skip()
      }
    }
  }

  before(async function () {
    // cold go and rust builds take minutes on a small machine; warm ones a few seconds
    this.timeout(1_900_000)
    const bins = {}
    const ourModules = await loadOurs()
    if (ourModules.skip != null) { skipped.ours = ourModules.skip }
    for (const [kind, build] of [['go', buildGoPeer], ['rust', buildRustPeer]]) {
      const b = build()
      // INTEROP_REQUIRE (as for the interop runner, e.g. go-v0.48,rust-v0.56) turns a skip into a failure
      if (b.skip != null && (process.env.INTEROP_REQUIRE ?? '').split(',').some(id => id.startsWith(`${kind}-`))) {
        throw new Error(`${b.skip}, and INTEROP_REQUIRE asks for ${kind}`)
      }
      if (b.skip != null) { skipped[kind] = b.skip } else { bins[kind] = b.bin }
    }
    const start = {
      ours: (name, opts) => startOurPeer(name, opts),
      js: (name, opts) => startJsPeer(name, opts),
      go: (name, opts) => startGoPeer(name, bins.go, opts),
      rust: (name, opts) => startRustPeer(name, bins.rust, opts)
    }
    for (const kind of KINDS) {
      if (skipped[kind] != null) { continue }
      nodes[kind] = await Promise.all(Array.from({ length: NODES_PER_KIND }, (_, i) => start[kind](`${kind}-${i}`)))
      clients[kind] = await start[kind](`${kind}-client`, { client: true })
    }
    // one chain through every node, the kinds interleaved (ours-0, js-0, go-0, rust-0, ours-1, …),
    // each node dialling the one before it and the one before that
    const all = []
    for (let i = 0; i < NODES_PER_KIND; i++) {
      for (const kind of KINDS) { if (skipped[kind] == null) { all.push(nodes[kind][i]) } }
    }
    for (let i = 1; i < all.length; i++) {
      for (const j of [i - 1, i - 2]) {
        if (j >= 0) { await all[i].send('connect', { target: all[j].multiaddrs[0], timeoutMs: OP_TIMEOUT_MS }) }
      }
    }
    // each client dials two servers (of other kinds when all four run)
    const present = KINDS.filter(k => skipped[k] == null)
    for (const [i, kind] of present.entries()) {
      for (const n of [all[(i + 1) % all.length], all[(i + 2) % all.length]]) {
        await clients[kind].send('connect', { target: n.multiaddrs[0], timeoutMs: OP_TIMEOUT_MS })
      }
    }
    const everyone = [...all, ...present.map(k => clients[k])]
    for (const n of everyone) { names.set(n.peerId, n.name) }
    // every node has its dialled peers in its table, then refreshes it (self lookup) as it would
    // periodically, which fills the table from the rest of the network
    await Promise.all(everyone.map(n => eventually(`${n.name}'s routing table to hold a peer`,
      async () => (await n.send('routingTable')).size > 0, NETWORK_TIMEOUT_MS)))
    await Promise.all(everyone.map(n => n.send('refresh', { timeoutMs: NETWORK_TIMEOUT_MS })))
    const sizes = await Promise.all(everyone.map(async n => `${n.name} ${(await n.send('routingTable')).size}`))
    console.log(`      ${all.length} servers and ${present.length} clients; routing table sizes after a refresh: ${sizes.join(', ')}`)
    for (const kind of KINDS) { if (skipped[kind] != null) { console.log(`      SKIPPED: ${skipped[kind]}`) } }
  })

  after(async function () {
    this.timeout(30_000)
    if (sources.length > 0) { console.log(`      get answered by: ${sources.join('; ')}`) }
    if (providerAddrs.length > 0) { console.log(`      addresses with the provider found: ${providerAddrs.join('; ')}`) }
    await Promise.allSettled([...KINDS.flatMap(k => Array.isArray(nodes[k]) ? nodes[k] : []), ...Object.values(clients)].map(n => n.stop()))
    await stopAllJsPeers()
  })

  for (const from of KINDS) {
    const others = KINDS.filter(k => k !== from)

    describe(`put on ${from}, get on every other`, function () {
      before(async function () {
        needs(this, from)
        records[from] = pkRecord()
        await nodes[from][0].send('put', { ...records[from], timeoutMs: OP_TIMEOUT_MS })
      })

      for (const to of others) {
        for (const role of ROLES) {
          it(`${from} → ${to}${role.suffix}`, async function () {
            needs(this, to)
            const getter = role.node(to)
            const got = await getter.send('get', { key: records[from].key, timeoutMs: OP_TIMEOUT_MS })
            assert.equal(got.value, records[from].value)
            sources.push(`${from}→${getter.name}: ${describeSource(got, getter, names)}`)
          })
        }
      }
    })

    describe(`provide on ${from}, findProviders on every other`, function () {
      before(async function () {
        needs(this, from)
        contents[from] = randomContent()
        await nodes[from][0].send('provide', { ...contents[from], timeoutMs: OP_TIMEOUT_MS })
      })

      for (const to of others) {
        for (const role of ROLES) {
          it(`${from} → ${to}${role.suffix}`, async function () {
            needs(this, to)
            const provider = nodes[from][0].peerId
            const seeker = role.node(to)
            const res = await seeker.send('findProviders', { ...contents[from], peer: provider, timeoutMs: OP_TIMEOUT_MS })
            const found = res.providers.find(p => p.id === provider)
            assert.ok(found != null, `${provider} not among ${JSON.stringify(res.providers)}`)
            providerAddrs.push(`${from}→${seeker.name}: ${found.multiaddrs.length}${found.multiaddrs.length > 1 ? ` ${JSON.stringify(found.multiaddrs)}` : ''}`)
          })
        }
      }
    })

    describe(`findPeer of a ${from} node from every other`, function () {
      for (const to of others) {
        for (const role of ROLES) {
          it(`${to}${role.suffix} finds ${from}`, async function () {
            needs(this, from, to)
            const target = nodes[from][1]
            const seeker = role === ROLES[0] ? nodes[to][0] : role.node(to)
            // go answers findPeer from an open connection without a lookup: close it first (js and
            // ours skip their peer store with useCache: false; rust always runs a lookup)
            if (to === 'go') { await seeker.send('disconnect', { peer: target.peerId, timeoutMs: OP_TIMEOUT_MS }) }
            const found = await seeker.send('findPeer', { peer: target.peerId, timeoutMs: OP_TIMEOUT_MS })
            assert.equal(found.id, target.peerId)
            const listen = target.multiaddrs[0].replace(/\/p2p\/[^/]+$/, '')
            assert.ok(found.multiaddrs.some(a => a.replace(/\/p2p\/[^/]+$/, '') === listen), `${listen} not among ${found.multiaddrs.join(', ')}`)
          })
        }
      }
    })
  }
})
