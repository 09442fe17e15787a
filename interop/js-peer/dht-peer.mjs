// A js-libp2p 3.3.11 node with @libp2p/kad-dht 16.4.5 for the mixed-network DHT test
// (interop/test/dht-mixed.spec.mjs). Run it with Node >= 22 (tools/node24/node_modules/.bin/node).
//
//   node dht-peer.mjs [--client] [--bootstrap <multiaddr>]...
//
// It listens on 127.0.0.1 TCP with Noise and Yamux, runs identify, ping and the DHT in server mode
// (clientMode: false; --client: client mode, holding no records of others, so that its lookups get
// answers off the wire) on the default /ipfs/kad/1.0.0 and keeps loopback addresses
// (passthroughMapper). Records are /pk/ ones, which kad-dht validates with no configuration.
// --bootstrap adds @libp2p/bootstrap with these peers as its list, so that the node joins the DHT
// through them as an application configured with bootstrap({ list }) does.
//
// stdout: {"event":"ready","peerId":…,"multiaddrs":[…],"pid":…}, then one line per answered request;
// stdin: one request per line, {"id":1,"cmd":"get","key":"2f706b2f…","timeoutMs":30000}, answered by
// {"id":1,"ok":true,"result":{…}} or {"id":1,"ok":false,"error":{"name":…,"message":…}}. Requests
// run concurrently; the commands are those of dht-commands.mjs plus `stop`. Logs go to stderr.
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { CID } from 'multiformats/cid'
import { runDhtCommand } from './dht-commands.mjs'

const { values: args } = parseArgs({
  options: { client: { type: 'boolean', default: false }, bootstrap: { type: 'string', multiple: true, default: [] } }
})
// loaded only when asked for: a node_modules installed before @libp2p/bootstrap was added still runs the rest
const { bootstrap } = args.bootstrap.length > 0 ? await import('@libp2p/bootstrap') : {}

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  peerDiscovery: args.bootstrap.length > 0 ? [bootstrap({ list: args.bootstrap })] : [],
  // js-libp2p refuses loopback dials by default outside tests
  connectionGater: { denyDialMultiaddr: () => false },
  // every node of the test dials from 127.0.0.1: the per-IP inbound rate limit (5/s by default)
  // would refuse the network's first connections and lookups
  connectionManager: { inboundConnectionThreshold: 1000 },
  services: {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      clientMode: args.client,
      peerInfoMapper: passthroughMapper
    })
  }
})

const write = (obj) => { process.stdout.write(JSON.stringify(obj) + '\n') }

write({ event: 'ready', peerId: node.peerId.toString(), multiaddrs: node.getMultiaddrs().map(a => a.toString()), pid: process.pid })

let stopping = false
async function stop () {
  if (stopping) { return }
  stopping = true
  await node.stop()
  process.exit(0)
}
process.on('SIGTERM', () => { void stop() })

const deps = { multiaddr, peerIdFromString, parseCid: (s) => CID.parse(s) }
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
lines.on('line', (line) => {
  if (line.trim() === '') { return }
  let req
  try {
    req = JSON.parse(line)
  } catch (err) {
    write({ ok: false, error: { name: 'SyntaxError', message: err.message } })
    return
  }
  if (req.cmd === 'stop') {
    write({ id: req.id, ok: true, result: {} })
    void stop()
    return
  }
  const signal = AbortSignal.timeout(req.timeoutMs ?? 60_000)
  runDhtCommand(node, req, { ...deps, signal }).then(
    (result) => { write({ id: req.id, ok: true, result }) },
    (err) => { write({ id: req.id, ok: false, error: { name: err.name, message: err.message } }) }
  )
})
lines.on('close', () => { void stop() })
