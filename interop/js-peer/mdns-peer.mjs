// A js-libp2p 3.x node with @libp2p/mdns, for the mDNS interop test in
// packages/peer-discovery-mdns/test/lan.node.ts, which runs it inside a network namespace of its
// own (never on a real network). Run it with Node >= 22 (tools/node24/node_modules/.bin/node).
//
//   node mdns-peer.mjs --label js --expect 1 [--interval 500] [--timeout 20000]
//
// stdout: one JSON object per line, the same lines as our test/fixtures/lan-peer.ts:
//   {"label":"js","event":"ready","peerId":"12D3…","multiaddrs":[…]}
//   {"label":"js","event":"discovered","peerId":"12D3…","multiaddrs":[…]}   (the mdns module's 'peer' event)
//   {"label":"js","event":"connected","peerId":"12D3…"}                      (a dial of those addresses worked)
//   {"label":"js","event":"done"}  once `--expect` peers were found and connected; it then keeps
//   answering queries until killed.  {"label":"js","event":"failed","reason":…} and exit 1 on timeout.
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mdns } from '@libp2p/mdns'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'

const { values } = parseArgs({
  options: {
    label: { type: 'string', default: 'js' },
    expect: { type: 'string', default: '1' },
    interval: { type: 'string', default: '500' },
    timeout: { type: 'string', default: '20000' }
  }
})
const label = values.label
const expected = Number(values.expect)
const emit = (line) => { process.stdout.write(JSON.stringify({ label, ...line }) + '\n') }

const found = new Set()
const connected = new Set()
const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  peerDiscovery: [(components) => {
    const discovery = mdns({ interval: Number(values.interval) })(components)
    discovery.addEventListener('peer', ({ detail }) => { onPeer(detail) })
    return discovery
  }]
})
emit({ event: 'ready', peerId: node.peerId.toString(), multiaddrs: node.getMultiaddrs().map(String) })

const timer = setTimeout(() => {
  emit({ event: 'failed', reason: `found ${found.size} and connected to ${connected.size} of ${expected} peers in ${values.timeout} ms` })
  process.exit(1)
}, Number(values.timeout))

function onPeer (peer) {
  const id = peer.id.toString()
  if (found.has(id)) { return }
  found.add(id)
  emit({ event: 'discovered', peerId: id, multiaddrs: peer.multiaddrs.map(String) })
  node.dial(peer.multiaddrs.map(ma => ma.encapsulate(`/p2p/${id}`)), { signal: AbortSignal.timeout(10_000) })
    .then(() => {
      connected.add(id)
      emit({ event: 'connected', peerId: id })
      if (connected.size >= expected) {
        clearTimeout(timer)
        emit({ event: 'done' })
      }
    })
    .catch((err) => { emit({ event: 'dial-failed', peerId: id, error: `${err.name}: ${err.message}` }) })
}
