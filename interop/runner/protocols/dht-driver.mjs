// The protocol table's DHT case, for every implementation: this driver runs one role with the DHT
// node of interop/test/dht-mixed-peers.mjs (ours in this process; js-libp2p's dht-peer.mjs, go's
// and rust's DHT peers as child processes speaking the JSON-line commands of
// interop/js-peer/dht-commands.mjs), and meets the other roles through Redis. The implementation
// is $dht_impl (ours, js, go, rust); go and rust name their built binary in $peer_bin.
//
// Roles (the unified-testing kad-dht layout):
//   bootstrap  a DHT server; RPUSHes its address to `bootstrapAddr` twice (provider, querier)
//   provider   a DHT server; connects to the bootstrap node, puts a /pk/ record and provides a
//              CID (both reach the bootstrap node, the only other server it knows), RPUSHes them
//              to `dhtRecord`
//   querier    a DHT client (it holds nothing itself); connects to the bootstrap node, gets the
//              record and finds the provider, both answered by the bootstrap node over the wire;
//              prints {"getMillis","findProvidersMillis",…}
import { performance } from 'node:perf_hooks'
import { eventually, pkRecord, randomContent, startGoPeer, startJsPeer, startOurPeer, startRustPeer } from '../../test/dht-mixed-peers.mjs'
import { armDeadline, connectRedis, env, fail, makeLog, popValue, printResult, role } from './contract.mjs'

const impl = env.dht_impl ?? ''
const log = makeLog(`${impl} dht`)
armDeadline(log)
/** each DHT operation's own limit, inside the case's */
const OP_TIMEOUT_MS = 30_000

const starters = {
  ours: (name, opts) => startOurPeer(name, opts),
  js: (name, opts) => startJsPeer(name, opts),
  go: (name, opts) => startGoPeer(name, env.peer_bin, opts),
  rust: (name, opts) => startRustPeer(name, env.peer_bin, opts)
}
if (starters[impl] == null) fail(log, 2, `unknown dht_impl '${impl}' (${Object.keys(starters).join(', ')})`)
if ((impl === 'go' || impl === 'rust') && env.peer_bin == null) fail(log, 2, 'peer_bin is not set')
if (!['bootstrap', 'provider', 'querier'].includes(role)) fail(log, 2, `unknown role '${role}' (bootstrap, provider, querier)`)

const redis = await connectRedis(log)
let node
try {
  node = await starters[impl](`${impl}-${role}`, { client: role === 'querier' })
} catch (err) {
  fail(log, 1, `the DHT node did not start: ${err.message}`)
}
const stop = async (code) => {
  try { await node.stop() } catch (err) { log('stop:', err.message) }
  process.exit(code)
}
process.on('SIGTERM', () => { void stop(0) })
process.on('SIGINT', () => { void stop(0) })

/** runs one command, or stops the node and exits 1 naming it */
async function send (cmd, args = {}) {
  try {
    return await node.send(cmd, { ...args, timeoutMs: OP_TIMEOUT_MS })
  } catch (err) {
    log(`${cmd} failed: ${err.message}`)
    return stop(1)
  }
}

const loopback = node.multiaddrs.find(a => a.startsWith('/ip4/127.0.0.1/tcp/')) ?? node.multiaddrs[0]
const ownAddr = loopback.includes('/p2p/') ? loopback : `${loopback}/p2p/${node.peerId}`
log(`${node.peerId} on ${ownAddr}`)

async function joinBootstrap () {
  const target = await popValue(log, redis, 'bootstrapAddr')
  await send('connect', { target })
  // a lookup needs the bootstrap node in the routing table (added once identify shows kad)
  try {
    await eventually('the bootstrap node in the routing table', async () => (await node.send('routingTable')).size > 0, OP_TIMEOUT_MS)
  } catch (err) {
    log(err.message)
    await stop(1)
  }
}

if (role === 'bootstrap') {
  await redis.command('RPUSH', 'bootstrapAddr', ownAddr, ownAddr)
  redis.close()
  // serves until the runner stops it
} else if (role === 'provider') {
  await joinBootstrap()
  const record = pkRecord()
  const content = randomContent()
  const put = await send('put', record)
  const provided = await send('provide', content)
  // go and rust answer {}; js and ours say which peers accepted
  log(`put: ${JSON.stringify(put)}; provide: ${JSON.stringify(provided)}`)
  await redis.command('RPUSH', 'dhtRecord', JSON.stringify({ ...record, ...content, provider: node.peerId }))
  redis.close()
} else {
  await joinBootstrap()
  const { key, value, cid, multihash, provider } = JSON.parse(await popValue(log, redis, 'dhtRecord'))
  redis.close()
  const t0 = performance.now()
  const got = await send('get', { key })
  const getMs = performance.now() - t0
  if (got.value !== value) {
    log(`get returned ${got.value}, expected ${value}`)
    await stop(1)
  }
  const t1 = performance.now()
  const found = await send('findProviders', { cid, multihash, peer: provider })
  const findMs = performance.now() - t1
  if (!found.providers.some(p => p.id === provider)) {
    log(`findProviders did not return the provider ${provider}: ${JSON.stringify(found.providers)}`)
    await stop(1)
  }
  const round = (ms) => Math.round(ms * 1000) / 1000
  printResult({ getMillis: round(getMs), findProvidersMillis: round(findMs), valueFrom: got.from, providers: found.providers.length }, async () => stop(0))
}
