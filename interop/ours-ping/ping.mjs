// Our node as a libp2p test-plans transport-interop peer ("ping test"). See docs/INTEROP.md.
//
//   transport=tcp|ws|wss|webrtc-direct|webrtc security=noise muxer=yamux is_dialer=true|false ip=127.0.0.1 \
//   redis_addr=127.0.0.1:6390 test_timeout_seconds=60 node interop/ours-ping/ping.mjs
//   node interop/ours-ping/ping.mjs --relay    (only the webrtc relay; see relay.mjs)
//
// Listener: listens on /ip4/$ip/tcp/0[/ws|/tls/ws] (or /ip4/$ip/udp/0/webrtc-direct), RPUSHes one address (a non-loopback one, or
// the loopback one when $ip is loopback) with /p2p/<id> to `listenerAddr`, then waits to be killed
// (exit 1 after test_timeout_seconds). Dialer: BLPOPs the address, dials it and pings once, and
// prints {"handshakePlusOneRTTMillis":…,"pingRTTMilllis":…} (float ms) on stdout. Logs go to stderr.
// Exit codes: 0 success, 1 test failure, 2 unsupported configuration.
//
// The node is the one of packages/cli/src/node.ts (createLibp2p, tcp, noise, yamux, identify, ping),
// with @libp2p/websockets for ws/wss and @libp2p/webrtc's webRTCDirect() for webrtc-direct (a
// standalone transport: its own encryption and muxing, so no security/muxer), imported from the workspace packages' dist (npm run build).
//
// webrtc (private-to-private, as test-plans runs it): the listener brings its relay, our
// circuitRelayServer over WebSockets on $ip in this same process (relay.mjs), reserves on it, and
// publishes <relay ws addr>/p2p/<relay>/p2p-circuit/webrtc/p2p/<id> once that address is up. The
// dialer (webRTC + WebSockets + circuitRelayTransport) signals over the relayed connection and
// pings over the direct WebRTC connection. `--relay` runs only such a relay and prints
// {"relayAddr":…} on stdout: the Chromium listener's wrapper (interop/browser-ping) starts it.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { RespClient } from '../runner/resp.mjs'
import { listenerAddrToPublish, runRelayOnly, startRelay } from './relay.mjs'

const LISTENER_KEY = 'listenerAddr'
const STOP_GRACE_MS = 2_000
const TLS_CERT_TIMEOUT_MS = 10_000

const env = process.env
const transport = env.transport ?? ''
const security = env.security
const muxer = env.muxer
const isDialer = env.is_dialer === 'true'
const ip = env.ip ?? '0.0.0.0'
const redisAddr = env.redis_addr ?? 'redis:6379'
const timeoutSeconds = Number(env.test_timeout_seconds ?? 180)

const role = isDialer ? 'dialer' : 'listener'
const log = (...args) => console.error(`[ours ${role}]`, ...args)

function exit (code, message) {
  if (message != null) log(message)
  process.exit(code)
}

const TRANSPORTS = {
  tcp: { listen: '/tcp/0' },
  ws: { listen: '/tcp/0/ws' },
  wss: { listen: '/tcp/0/tls/ws' },
  'webrtc-direct': { listen: '/udp/0/webrtc-direct', standalone: true },
  // listens through the relay this listener starts (see above)
  webrtc: { standalone: true }
}

if (process.argv[2] === '--relay') await runRelayOnly({ ip, timeoutSeconds, load, log: (...a) => console.error('[ours relay]', ...a) })

if (TRANSPORTS[transport] == null) exit(2, `unsupported transport '${transport}' (supported: ${Object.keys(TRANSPORTS).join(', ')})`)
const standalone = TRANSPORTS[transport].standalone === true
if (!standalone && security !== 'noise') exit(2, `unsupported security '${security}' (supported: noise)`)
if (!standalone && muxer !== 'yamux') exit(2, `unsupported muxer '${muxer}' (supported: yamux)`)
if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) exit(2, `bad test_timeout_seconds '${env.test_timeout_seconds}'`)

// the whole test must end within test_timeout_seconds; the listener keeps running until then
const deadline = setTimeout(() => exit(1, `test_timeout_seconds (${timeoutSeconds}) elapsed`), timeoutSeconds * 1000)
if (isDialer) deadline.unref()

/** imports one of our packages, or exits with a clear "not built" message */
async function load (specifier, exportName) {
  let mod
  try {
    mod = await import(specifier)
  } catch (err) {
    exit(1, `our node not built (npm run build): ${specifier} does not load: ${err?.code ?? err?.name}: ${String(err?.message).split('\n')[0]}`)
  }
  if (typeof mod[exportName] !== 'function') exit(1, `our node not built (npm run build): ${specifier} has no ${exportName}() export`)
  return mod[exportName]
}

const isLoopbackIp = (s) => /^127\./.test(s) || s === '::1'

/** a throwaway self-signed certificate for a wss listener (openssl; EC P-256, one day) */
function selfSignedCertificate () {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ours-ping-tls-'))
  try {
    const r = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1',
      '-subj', '/CN=localhost', '-addext', `subjectAltName=DNS:localhost,IP:${isLoopbackIp(ip) || ip === '0.0.0.0' ? '127.0.0.1' : ip}`
    ], { encoding: 'utf8', timeout: TLS_CERT_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] })
    if (r.status !== 0) {
      exit(1, `wss listener: openssl could not make a certificate (${r.error?.message ?? `exit ${r.status}`}): ${r.stderr?.trim()}`)
    }
    return { cert: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'), key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8') }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const createLibp2p = await load('libp2p', 'createLibp2p')
const noise = await load('@chainsafe/libp2p-noise', 'noise')
const yamux = await load('@chainsafe/libp2p-yamux', 'yamux')
const identify = await load('@libp2p/identify', 'identify')
const ping = await load('@libp2p/ping', 'ping')
const multiaddr = await load('@multiformats/multiaddr', 'multiaddr')

// node-datachannel gathers no loopback candidates unless bound to the address (RECIPES)
const rtcConfiguration = { iceServers: [], bindAddress: isLoopbackIp(ip) ? ip : undefined }
let transportFactory
let relay
if (transport === 'tcp') {
  transportFactory = (await load('@libp2p/tcp', 'tcp'))()
} else if (transport === 'webrtc-direct') {
  transportFactory = (await load('@libp2p/webrtc', 'webRTCDirect'))({ rtcConfiguration })
} else if (transport === 'webrtc') {
  if (!isDialer) relay = await startRelay({ ip, load, log })
  transportFactory = [
    (await load('@libp2p/webrtc', 'webRTC'))({ rtcConfiguration }),
    (await load('@libp2p/websockets', 'webSockets'))(),
    (await load('@libp2p/circuit-relay-v2', 'circuitRelayTransport'))()
  ]
} else {
  const webSockets = await load('@libp2p/websockets', 'webSockets')
  transportFactory = webSockets(transport === 'wss'
    ? (isDialer
        // peers listen with self-signed certificates (go-libp2p's dialer skips verification too)
        ? { tlsClientOptions: { rejectUnauthorized: false } }
        : { https: selfSignedCertificate() })
    : {})
}

const ipProto = ip.includes(':') ? 'ip6' : 'ip4'
const listen = isDialer
  ? []
  : relay != null
    // a reservation on our relay, and the WebRTC address through it
    ? [`${relay.addr}/p2p-circuit`, '/webrtc']
    : [`/${ipProto}/${ip}${TRANSPORTS[transport].listen}`]
const node = await createLibp2p({
  addresses: { listen },
  transports: [transportFactory].flat(),
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  connectionGater: { denyDialMultiaddr: () => false },
  services: { identify: identify(), ping: ping() }
})

let stopping = false
async function stopAndExit (code) {
  if (stopping) return
  stopping = true
  const timer = setTimeout(() => exit(code, 'node.stop() did not finish in time'), STOP_GRACE_MS)
  try {
    await node.stop()
    await relay?.node.stop()
  } catch (err) {
    log('node.stop():', err)
  }
  clearTimeout(timer)
  process.exit(code)
}
process.on('SIGTERM', () => { void stopAndExit(0) })
process.on('SIGINT', () => { void stopAndExit(0) })

let redis
try {
  redis = await RespClient.connect(redisAddr, { timeoutMs: Math.min(timeoutSeconds * 1000, 30_000) })
} catch (err) {
  exit(1, err.message)
}

if (!isDialer) {
  const published = await listenerAddrToPublish(node, { ip, viaRelay: relay != null, timeoutMs: timeoutSeconds * 1000 })
    .catch((err) => exit(1, err.message))
  log(`listening on ${node.getMultiaddrs().join(' ')}; publishing ${published}`)
  await redis.command('RPUSH', LISTENER_KEY, published)
  redis.close()
  // now wait to be killed: the deadline timer exits 1 after test_timeout_seconds
} else {
  let reply
  try {
    reply = await redis.command('BLPOP', LISTENER_KEY, String(Math.ceil(timeoutSeconds)))
  } catch (err) {
    exit(1, `BLPOP ${LISTENER_KEY}: ${err.message}`)
  }
  redis.close()
  if (reply == null) exit(1, `BLPOP ${LISTENER_KEY}: no listener address within ${timeoutSeconds} s`)
  const target = multiaddr(reply[1])
  log(`dialling ${target.toString()}`)
  let handshakePlusOneRTT, pingRTT
  try {
    const t0 = performance.now()
    const connection = await node.dial(target)
    // a webrtc dial resolves with the direct connection; the relayed one only carried the signalling
    if (connection.limits != null) throw new Error(`got a limited connection to ${connection.remoteAddr.toString()}`)
    pingRTT = await node.services.ping.ping(connection.remotePeer)
    handshakePlusOneRTT = performance.now() - t0
    log(`connected (${connection.encryption ?? '?'}, ${connection.multiplexer ?? '?'}) to ${connection.remoteAddr.toString()}`)
  } catch (err) {
    exit(1, `dial + ping failed: ${err?.name}: ${err?.message}`)
  }
  const round = (ms) => Math.round(ms * 1000) / 1000
  const line = JSON.stringify({ handshakePlusOneRTTMillis: round(handshakePlusOneRTT), pingRTTMilllis: round(pingRTT) })
  process.stdout.write(line + '\n', () => { void stopAndExit(0) })
}
