// The relay a `webrtc` (private-to-private) listener brings, as test-plans' browser images do: a
// circuit relay v2 server over WebSockets (identify, Noise, Yamux) on the contract's $ip, with
// reservations not limited in data or time (test-plans' relay sets applyDefaultLimit: false too, so
// signalling never runs into a relayed-connection limit).
//
// Stack-neutral: every module comes from the caller's `load(specifier, exportName)`, whose import()
// resolves from the caller's file. interop/ours-ping/ping.mjs passes our packages, and
// interop/js-peer/ping.mjs passes js-libp2p 3.3.11's from its node_modules, so each listener runs
// its own implementation's relay.

/** how long a `--relay` process lives at most beyond test_timeout_seconds: the wrapper kills it first */
const RELAY_ONLY_GRACE_MS = 5_000

const isLoopbackIp = (s) => /^127\./.test(s) || s === '::1'

/**
 * The address a listener publishes: a non-loopback one, or, when the contract's `ip` is loopback, a
 * loopback one (the runner's rule, docs/INTEROP.md)
 */
export function publishableAddr (addrs, ip) {
  const hostOf = (a) => a.split('/')[2]
  return addrs.find(a => !isLoopbackIp(hostOf(a))) ?? (isLoopbackIp(ip) ? addrs.find(a => isLoopbackIp(hostOf(a))) : undefined)
}

/** starts a relay node; resolves with { node, addr } where addr is its ws address with /p2p/<relay> */
export async function startRelay ({ ip, load, log }) {
  const createLibp2p = await load('libp2p', 'createLibp2p')
  const node = await createLibp2p({
    addresses: { listen: [`/${ip.includes(':') ? 'ip6' : 'ip4'}/${ip}/tcp/0/ws`] },
    transports: [(await load('@libp2p/websockets', 'webSockets'))()],
    connectionEncrypters: [(await load('@chainsafe/libp2p-noise', 'noise'))()],
    streamMuxers: [(await load('@chainsafe/libp2p-yamux', 'yamux'))()],
    connectionGater: { denyDialMultiaddr: () => false },
    // relayed connections all come from the relay's IP (127.0.0.1 here)
    connectionManager: { inboundConnectionThreshold: 100 },
    services: {
      identify: (await load('@libp2p/identify', 'identify'))(),
      relay: (await load('@libp2p/circuit-relay-v2', 'circuitRelayServer'))({ reservations: { applyDefaultLimit: false } })
    }
  })
  const own = node.getMultiaddrs().map(ma => ma.toString())
  const chosen = publishableAddr(own, ip)
  if (chosen == null) {
    await node.stop()
    throw new Error(`relay: no address to offer (listening on ${own.join(' ') || 'nothing'})`)
  }
  const addr = chosen.includes('/p2p/') ? chosen : `${chosen}/p2p/${node.peerId.toString()}`
  log(`relay ${node.peerId.toString()} at ${addr}`)
  return { node, addr }
}

/**
 * The listener's address for `listenerAddr`, with /p2p/<id>: chosen by publishableAddr among the
 * node's addresses, or, `viaRelay`, among its /p2p-circuit/webrtc ones once the reservation made one
 * (rejects after `timeoutMs` without)
 */
export async function listenerAddrToPublish (node, { ip, viaRelay, timeoutMs }) {
  const webrtc = (a) => a.includes('/p2p-circuit/webrtc')
  if (viaRelay) await waitForAddr(node, webrtc, timeoutMs)
  const addrs = node.getMultiaddrs().map(ma => ma.toString()).filter(a => !viaRelay || webrtc(a))
  const chosen = publishableAddr(addrs, ip)
  if (chosen == null) throw new Error(`no address to publish (listening on ${node.getMultiaddrs().join(' ') || 'nothing'})`)
  return chosen.includes('/p2p/') ? chosen : `${chosen}/p2p/${node.peerId.toString()}`
}

/** resolves once one of the node's addresses satisfies `match`; rejects after `timeoutMs` */
async function waitForAddr (node, match, timeoutMs) {
  const found = () => node.getMultiaddrs().some(ma => match(ma.toString()))
  if (found()) return
  await new Promise((resolve, reject) => {
    const onUpdate = () => {
      if (!found()) return
      clearTimeout(timer)
      node.removeEventListener('self:peer:update', onUpdate)
      resolve()
    }
    const timer = setTimeout(() => {
      node.removeEventListener('self:peer:update', onUpdate)
      reject(new Error(`no WebRTC address through the relay within ${timeoutMs} ms (have ${node.getMultiaddrs().join(' ') || 'none'})`))
    }, timeoutMs)
    node.addEventListener('self:peer:update', onUpdate)
  })
}

/**
 * `ping.mjs --relay`: a relay alone, for a listener in a browser. Prints {"relayAddr":…} on stdout,
 * then runs until SIGTERM/SIGINT or test_timeout_seconds (plus a grace), and never returns.
 */
export async function runRelayOnly ({ ip, timeoutSeconds, load, log }) {
  let relay
  try {
    relay = await startRelay({ ip, load, log })
  } catch (err) {
    log(err.message)
    process.exit(1)
  }
  const stop = async (code) => {
    await relay.node.stop().catch(() => {})
    process.exit(code)
  }
  process.on('SIGTERM', () => { void stop(0) })
  process.on('SIGINT', () => { void stop(0) })
  setTimeout(() => { log('test_timeout_seconds elapsed'); void stop(1) }, timeoutSeconds * 1000 + RELAY_ONLY_GRACE_MS)
  process.stdout.write(JSON.stringify({ relayAddr: relay.addr }) + '\n')
  await new Promise(() => {})
}
