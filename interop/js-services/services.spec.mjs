// js-libp2p's own services from npm, unmodified, on our node and on js-libp2p 3.3.11, in one
// Node 24 process (`npm run test:services` at the repo root; build our packages first).
//
// - pubsub: @libp2p/floodsub and @libp2p/gossipsub, two nodes over TCP + Noise + Yamux on
//   127.0.0.1, both subscribed to one topic, a message each way. js × js is the baseline; then our
//   node dialling js and js dialling ours.
// - @libp2p/kad-dht: three js nodes and ours (server mode, default protocol, passthroughMapper
//   for loopback addresses, a `svc` namespace with an accept-all validator and a first-record
//   selector); put on ours, get on js, and the other way; the js × js baseline first.
import assert from 'node:assert/strict'
import { floodsub } from '@libp2p/floodsub'
import { gossipsub } from '@libp2p/gossipsub'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { nextEvent, startNode, stopAll, until } from './nodes.mjs'

const enc = new TextEncoder()
const dec = new TextDecoder()

const PUBSUB = {
  floodsub: () => floodsub(),
  gossipsub: () => gossipsub()
}

// [dialer, listener]
const PAIRS = [['js', 'js'], ['ours', 'js'], ['js', 'ours']]

function subscribedTo (pubsub, topic, peerId) {
  return pubsub.getSubscribers(topic).some(p => p.toString() === peerId.toString())
}

async function exchange (from, to, topic, text) {
  const received = nextEvent(`${to.kind} to receive "${text}"`, to.node.services.pubsub, 'message',
    (msg) => msg.topic === topic && dec.decode(msg.data) === text)
  const result = await from.node.services.pubsub.publish(topic, enc.encode(text))
  assert.ok(result.recipients.some(p => p.toString() === to.node.peerId.toString()),
    `${from.kind}'s publish reached ${to.kind}: recipients ${result.recipients.map(String).join(', ')}`)
  const msg = await received
  assert.equal(msg.topic, topic)
  // a signed message (StrictSign, the default) carries its origin
  assert.equal(msg.from?.toString(), from.node.peerId.toString())
}

for (const [service, factory] of Object.entries(PUBSUB)) {
  describe(`@libp2p/${service} from npm`, function () {
    this.timeout(60_000)
    afterEach(stopAll)

    for (const [dialerKind, listenerKind] of PAIRS) {
      it(`${dialerKind} dials ${listenerKind}: both subscribe, a message each way`, async function () {
        const topic = `svc-${service}-${dialerKind}-${listenerKind}`
        const listener = await startNode(listenerKind, { pubsub: factory() })
        const dialer = await startNode(dialerKind, { pubsub: factory() })
        for (const n of [listener, dialer]) n.node.services.pubsub.subscribe(topic)

        await dialer.dial(listener)
        await Promise.all([[dialer, listener], [listener, dialer]].map(async ([a, b]) => {
          const pubsub = a.node.services.pubsub
          await until(`${a.kind} to see ${b.kind} subscribed to ${topic}`,
            () => subscribedTo(pubsub, topic, b.node.peerId),
            { target: pubsub, events: ['subscription-change'] })
        }))

        await exchange(dialer, listener, topic, `from ${dialerKind} dialer to ${listenerKind} listener`)
        await exchange(listener, dialer, topic, `from ${listenerKind} listener to ${dialerKind} dialer`)
      })
    }
  })
}

// validators and selectors for the test namespace: kad-dht only knows 'pk' built in
const dhtInit = () => kadDHT({
  clientMode: false,
  peerInfoMapper: passthroughMapper,
  initialQuerySelfInterval: 100,
  validators: { svc: async () => {} },
  selectors: { svc: () => 0 }
})

async function drain (source) {
  const events = []
  for await (const event of source) events.push(event)
  return events
}

/** put `value` under `key` on `node` and check every other node answered the PUT_VALUE */
async function putAndCheck (node, key, value, others) {
  const events = await drain(node.node.services.dht.put(enc.encode(key), enc.encode(value)))
  const errors = events.filter(e => e.name === 'QUERY_ERROR').map(e => `${e.from}: ${e.error?.message}`)
  const acked = new Set(events.filter(e => e.name === 'PEER_RESPONSE' && String(e.messageName) === 'PUT_VALUE').map(e => e.from.toString()))
  for (const other of others) {
    assert.ok(acked.has(other.node.peerId.toString()),
      `${other.kind} ${other.node.peerId} answered ${node.kind}'s PUT_VALUE (acked: ${[...acked].join(', ') || 'none'}; errors: ${errors.join('; ') || 'none'})`)
  }
}

/** get `key` on `node`: the value, and a GET_VALUE answer carrying it from `from` */
async function getAndCheck (node, key, value, from) {
  const events = await drain(node.node.services.dht.get(enc.encode(key)))
  const values = events.filter(e => e.name === 'VALUE').map(e => dec.decode(e.value))
  assert.deepEqual(values, [value], `${node.kind} got ${key}`)
  const remote = events.filter(e => e.name === 'PEER_RESPONSE' && e.record != null && dec.decode(e.record.value) === value)
    .map(e => e.from.toString())
  assert.ok(remote.includes(from.node.peerId.toString()),
    `${from.kind} ${from.node.peerId} returned the record to ${node.kind}'s GET_VALUE (answered by: ${remote.join(', ') || 'none'})`)
}

async function dhtNetwork (kinds) {
  const nodes = []
  for (const kind of kinds) nodes.push(await startNode(kind, { dht: dhtInit() }))
  // everyone dials everyone before it (a full mesh of 4)
  for (let i = 1; i < nodes.length; i++) {
    for (let j = 0; j < i; j++) await nodes[i].dial(nodes[j])
  }
  await Promise.all(nodes.map(async n => {
    const table = n.node.services.dht.routingTable
    await until(`${n.kind} ${n.node.peerId}'s routing table to hold the ${nodes.length - 1} others`,
      () => table.size >= nodes.length - 1, { target: table, events: ['peer:add'] })
  }))
  return nodes
}

describe('@libp2p/kad-dht 16.4.5 from npm', function () {
  this.timeout(60_000)
  afterEach(stopAll)

  it('js × js baseline: 4 js nodes, put on one, get on another, and back', async function () {
    const [a, b, c, d] = await dhtNetwork(['js', 'js', 'js', 'js'])
    await putAndCheck(d, '/svc/from-d', 'value from d', [a, b, c])
    await getAndCheck(a, '/svc/from-d', 'value from d', d)
    await putAndCheck(a, '/svc/from-a', 'value from a', [b, c, d])
    await getAndCheck(d, '/svc/from-a', 'value from a', a)
  })

  it('ours joins 3 js nodes: put on ours, get on js', async function () {
    const [a, b, c, ours] = await dhtNetwork(['js', 'js', 'js', 'ours'])
    await putAndCheck(ours, '/svc/from-ours', 'value from ours', [a, b, c])
    await getAndCheck(c, '/svc/from-ours', 'value from ours', ours)
  })

  it('ours joins 3 js nodes: put on js, get on ours', async function () {
    const [a, b, c, ours] = await dhtNetwork(['js', 'js', 'js', 'ours'])
    await putAndCheck(a, '/svc/from-js', 'value from js', [b, c, ours])
    await getAndCheck(ours, '/svc/from-js', 'value from js', a)
  })
})
