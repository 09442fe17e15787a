// Our node with a large identify message against js-libp2p 3.3.11 (interop/js-peer on Node 24),
// over TCP on 127.0.0.1 with Noise and Yamux. Our node announces 60 addresses and handles 200
// protocols: its identify message is ~12 KiB with the signed peer record, over the 8 KiB that
// js-libp2p (and go-libp2p) read per message, so ours sends it in parts (packages/protocol-identify
// splitIdentify) that js-libp2p reads until EOF and merges. Sent whole, js-libp2p would refuse it
// and learn nothing.
import assert from 'node:assert/strict'
import { spawnJsPeer, stopAllJsPeers } from './harness.mjs'
import { checkOurNode } from './ours-peer.mjs'

const ANNOUNCED = Array.from({ length: 60 }, (_, i) => `/ip4/10.1.0.${i}/tcp/${4000 + i}`)
const PROTOCOLS = Array.from({ length: 200 }, (_, i) => `/example/a-rather-long-protocol-name-number-${i}/1.0.0`)
const TIMEOUT_MS = 30_000

describe('identify: our message too large for one message × js-libp2p 3.3.11 (tcp, noise, yamux)', function () {
  this.timeout(120_000)

  let ours
  let js

  before(async function () {
    const { missing } = await checkOurNode()
    // without our identify (or the core) there is nothing to check: the matrix reports what is missing
    if (missing.identify != null || missing['identify-push'] != null) this.skip()
    const { modules: m } = await checkOurNode()
    ours = await m.libp2p.createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'], announce: ANNOUNCED },
      transports: [m['@libp2p/tcp'].tcp()],
      connectionEncrypters: [m['@chainsafe/libp2p-noise'].noise()],
      streamMuxers: [m['@chainsafe/libp2p-yamux'].yamux()],
      services: {
        identify: m['@libp2p/identify'].identify(),
        identifyPush: m['@libp2p/identify'].identifyPush({ debounce: 10 })
      }
    })
    for (const protocol of PROTOCOLS) await ours.handle(protocol, () => {})
    js = await spawnJsPeer({ name: 'js' })
    await ours.dial(m['@multiformats/multiaddr'].multiaddr(js.multiaddrs[0]), { signal: AbortSignal.timeout(TIMEOUT_MS) })
  })

  after(async () => {
    await ours?.stop()
    await stopAllJsPeers()
  })

  it('js-libp2p learns every protocol and address of ours through identify', async () => {
    const peerId = ours.peerId.toString()
    const result = await js.send('waitIdentify', { peerId, timeoutMs: TIMEOUT_MS })
    assert.deepEqual(result.protocols, [...ours.getProtocols()].sort())
    assert.deepEqual([...result.listenAddrs].sort(), [...ANNOUNCED].sort())
    const rec = await js.send('peer', { peerId })
    for (const p of PROTOCOLS) assert.ok(rec.protocols.includes(p), `js-libp2p's peer store lacks ${p}`)
    for (const a of ANNOUNCED) assert.ok(rec.addresses.includes(a), `js-libp2p's peer store lacks ${a}: ${rec.addresses.length} addresses`)
  })

  it('and every protocol of a push of it', async () => {
    const peerId = ours.peerId.toString()
    await ours.handle('/one-more/1.0.0', () => {})
    const rec = await js.send('waitPeer', { peerId, protocols: ['/one-more/1.0.0', ...PROTOCOLS], timeoutMs: TIMEOUT_MS })
    assert.deepEqual(rec.protocols, [...ours.getProtocols()].sort())
  })
})
