// The identify-push case for a js-libp2p-API node (ours or js-libp2p 3), given its modules by the
// program that imports them (../ours/identify-push.mjs, interop/js-peer/identify-push-case.mjs).
// TCP + Noise + Yamux on $ip.
//
// Roles (env `role`):
//   listener  listens, RPUSHes its address to `listenerAddr`; after BLPOP `dialerReady` and its own
//             identify of the dialer (a push goes only to peers known to take one) it starts
//             serving PUSHED_PROTOCOL (an echo), which identify push announces to the dialer
//   dialer    BLPOPs `listenerAddr`, dials, waits for identify, checks PUSHED_PROTOCOL is not yet
//             listed, RPUSHes `dialerReady`, waits for the listener's protocols to include it on
//             the same connection (no reconnect), opens a stream with it; prints the result line
import { performance } from 'node:perf_hooks'
import {
  armDeadline, connectRedis, fail, ip, loopbackAddr, makeLog, popValue, printResult, role, stopOnSignal
} from '../contract.mjs'

export const PUSHED_PROTOCOL = '/interop/pushed/1.0.0'
const IDENTIFY_PROTOCOL = '/ipfs/id/1.0.0'
const WAIT_MS = 30_000

/** resolves once `check()` holds, asking again on each of the node's `events`; rejects after WAIT_MS */
async function when (node, events, check, what) {
  if (await check()) return
  const signal = AbortSignal.timeout(WAIT_MS)
  await new Promise((resolve, reject) => {
    const done = (err) => {
      for (const e of events) node.removeEventListener(e, onEvent)
      signal.removeEventListener('abort', onAbort)
      if (err != null) reject(err)
      else resolve()
    }
    const onEvent = () => { void check().then(ok => { if (ok) done() }, done) }
    const onAbort = () => done(new Error(`${what}: not within ${WAIT_MS} ms`))
    for (const e of events) node.addEventListener(e, onEvent)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** the protocols the peer store holds for `peer`, [] while it holds nothing */
async function protocolsOf (node, peer) {
  try {
    return (await node.peerStore.get(peer)).protocols
  } catch {
    return []
  }
}

export async function runIdentifyPushCase (who, m) {
  const log = makeLog(who)
  const deadline = armDeadline(log)
  const redis = await connectRedis(log)
  const node = await m.createLibp2p({
    addresses: { listen: role === 'listener' ? [`/ip4/${ip}/tcp/0`] : [] },
    transports: [m.tcp()],
    connectionEncrypters: [m.noise()],
    streamMuxers: [m.yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    // identify push is a service of its own in js-libp2p 3: it sends pushes and receives them
    services: { identify: m.identify(), identifyPush: m.identifyPush(), ping: m.ping() }
  })
  const stop = stopOnSignal(log, node)

  if (role === 'listener') {
    const addr = loopbackAddr(node.getMultiaddrs().map(String), node.peerId.toString())
    if (addr == null) fail(log, 1, `no ${ip} TCP address among ${node.getMultiaddrs().join(' ')}`)
    await redis.command('RPUSH', 'listenerAddr', addr)
    await popValue(log, redis, 'dialerReady')
    redis.close()
    // a push goes to the peers this node knows to take one: wait for its own identify of the dialer
    const dialer = node.getConnections()[0]?.remotePeer
    if (dialer == null) fail(log, 1, 'the dialer is not connected')
    try {
      await when(node, ['peer:identify', 'peer:update'], async () => (await protocolsOf(node, dialer)).includes(IDENTIFY_PROTOCOL), 'identify of the dialer')
    } catch (err) {
      fail(log, 1, err.message)
    }
    await node.handle(PUSHED_PROTOCOL, async (stream) => {
      for await (const chunk of stream) {
        if (!stream.send(chunk)) await stream.onDrain()
      }
      await stream.close()
    })
    log(`now serving ${PUSHED_PROTOCOL}`)
    return // until the runner stops it
  }
  if (role !== 'dialer') fail(log, 2, `unknown role '${role}' (listener, dialer)`)

  const target = await popValue(log, redis, 'listenerAddr')
  deadline.unref()
  let connection
  try {
    connection = await node.dial(m.multiaddr(target), { signal: AbortSignal.timeout(WAIT_MS) })
  } catch (err) {
    fail(log, 1, `dial ${target}: ${err.name}: ${err.message}`)
  }
  const remote = connection.remotePeer
  const protocols = async () => protocolsOf(node, remote)
  const events = ['peer:identify', 'peer:update']
  let pushMs
  try {
    await when(node, events, async () => (await protocols()).includes(IDENTIFY_PROTOCOL), 'identify')
    if ((await protocols()).includes(PUSHED_PROTOCOL)) fail(log, 1, `${PUSHED_PROTOCOL} listed before the listener served it`)
    await redis.command('RPUSH', 'dialerReady', '1')
    redis.close()
    const t0 = performance.now()
    await when(node, events, async () => (await protocols()).includes(PUSHED_PROTOCOL), `${PUSHED_PROTOCOL} pushed`)
    pushMs = performance.now() - t0
  } catch (err) {
    fail(log, 1, `${err.message}; the listener's protocols: ${(await protocols()).join(' ')}`)
  }
  const open = node.getConnections(remote)
  if (connection.status !== 'open' || open.length !== 1 || open[0].id !== connection.id) {
    fail(log, 1, `the first connection did not carry the push: ${connection.status}, ${open.length} connection(s) now`)
  }
  try {
    const signal = AbortSignal.timeout(WAIT_MS)
    const stream = await connection.newStream(PUSHED_PROTOCOL, { signal })
    signal.addEventListener('abort', () => { stream.abort(signal.reason) }, { once: true })
    stream.send(new TextEncoder().encode('pushed'))
    await stream.close({ signal })
    let back = 0
    for await (const chunk of stream) back += chunk.byteLength
    if (back !== 6) throw new Error(`${back} B echoed, expected 6`)
  } catch (err) {
    fail(log, 1, `a stream on ${PUSHED_PROTOCOL}: ${err.name}: ${err.message}`)
  }
  log(`${PUSHED_PROTOCOL} seen ${pushMs.toFixed(1)} ms after the listener was told to serve it; stream ok`)
  printResult({ pushMillis: Math.round(pushMs * 1000) / 1000, sameConnection: true }, async () => { await stop() })
}
