// js-libp2p 3.x as a libp2p test-plans transport-interop peer ("ping test"); run with Node 24
// (tools/node24/node_modules/.bin/node). Same env-var contract as interop/ours-ping/ping.mjs and
// docs/INTEROP.md: transport=tcp|ws|wss|webrtc-direct|webrtc (wss: dial only, as test-plans' js
// entry), security=noise, muxer=yamux, is_dialer, ip, redis_addr, test_timeout_seconds. Result on
// stdout, logs on stderr. Exit codes: 0 success, 1 test failure, 2 unsupported configuration.
//
// webrtc (private-to-private): the listener starts js-libp2p's circuitRelayServer over WebSockets in
// this process (interop/ours-ping/relay.mjs, given js-libp2p's modules), reserves on it and
// publishes its /p2p-circuit/webrtc address; `ping.mjs --relay` runs only that relay and prints
// {"relayAddr":…}, for the chromium-js listener.
//
// Used by interop/runner (npm run test:interop:matrix); peer.mjs beside it is the JSON-lines peer
// of the mocha suite and is unrelated.
import { performance } from 'node:perf_hooks'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { createClient } from 'redis'
import { listenerAddrToPublish, runRelayOnly, startRelay } from '../ours-ping/relay.mjs'

const LISTENER_KEY = 'listenerAddr'
const STOP_GRACE_MS = 2_000

const env = process.env
const transport = env.transport ?? ''
const isDialer = env.is_dialer === 'true'
const ip = env.ip ?? '0.0.0.0'
const redisAddr = env.redis_addr ?? 'redis:6379'
const timeoutSeconds = Number(env.test_timeout_seconds ?? 180)

const role = isDialer ? 'dialer' : 'listener'
const log = (...args) => console.error(`[js ${role}]`, ...args)

function exit (code, message) {
  if (message != null) log(message)
  process.exit(code)
}

/** js-libp2p's modules, resolved from this file (js-peer's node_modules), for relay.mjs */
const load = async (specifier, exportName) => (await import(specifier))[exportName]
if (process.argv[2] === '--relay') await runRelayOnly({ ip, timeoutSeconds, load, log: (...a) => console.error('[js relay]', ...a) })

const LISTEN = { tcp: '/tcp/0', ws: '/tcp/0/ws', 'webrtc-direct': '/udp/0/webrtc-direct' }
if (!['tcp', 'ws', 'wss', 'webrtc-direct', 'webrtc'].includes(transport)) exit(2, `unsupported transport '${transport}' (supported: tcp, ws, wss as dialer, webrtc-direct, webrtc)`)
if (transport === 'wss' && !isDialer) exit(2, 'wss is dial-only for this peer (as in test-plans)')
// webrtc-direct and webrtc are standalone: their own encryption and muxing
const standalone = transport === 'webrtc-direct' || transport === 'webrtc'
if (!standalone && env.security !== 'noise') exit(2, `unsupported security '${env.security}' (supported: noise)`)
if (!standalone && env.muxer !== 'yamux') exit(2, `unsupported muxer '${env.muxer}' (supported: yamux)`)
if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) exit(2, `bad test_timeout_seconds '${env.test_timeout_seconds}'`)

const deadline = setTimeout(() => exit(1, `test_timeout_seconds (${timeoutSeconds}) elapsed`), timeoutSeconds * 1000)
if (isDialer) deadline.unref()

// listeners use self-signed certificates
if (transport === 'wss') process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'

const isLoopbackIp = (s) => /^127\./.test(s) || s === '::1'
const ipProto = ip.includes(':') ? 'ip6' : 'ip4'

// node-datachannel gathers no loopback candidates unless bound to the address (RECIPES)
const rtcConfiguration = { iceServers: [], bindAddress: isLoopbackIp(ip) ? ip : undefined }
const relay = transport === 'webrtc' && !isDialer ? await startRelay({ ip, load, log }) : undefined

const node = await createLibp2p({
  addresses: {
    listen: isDialer
      ? []
      : relay != null
        // a reservation on the relay, and the WebRTC address through it
        ? [`${relay.addr}/p2p-circuit`, '/webrtc']
        : [`/${ipProto}/${ip}${LISTEN[transport]}`]
  },
  transports: transport === 'tcp'
    ? [tcp()]
    : transport === 'webrtc-direct'
      ? [(await import('@libp2p/webrtc')).webRTCDirect({ rtcConfiguration })]
      : transport === 'webrtc'
        ? [(await import('@libp2p/webrtc')).webRTC({ rtcConfiguration }), webSockets(), (await import('@libp2p/circuit-relay-v2')).circuitRelayTransport()]
        : [webSockets()],
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

const redis = createClient({ url: `redis://${redisAddr}` })
redis.on('error', (err) => log('redis:', err.message))
try {
  await redis.connect()
} catch (err) {
  exit(1, `could not reach redis at ${redisAddr}: ${err.message}`)
}

if (!isDialer) {
  const published = await listenerAddrToPublish(node, { ip, viaRelay: relay != null, timeoutMs: timeoutSeconds * 1000 })
    .catch((err) => exit(1, err.message))
  log(`listening on ${node.getMultiaddrs().join(' ')}; publishing ${published}`)
  await redis.rPush(LISTENER_KEY, published)
  await redis.quit()
} else {
  let reply
  try {
    reply = await redis.blPop(LISTENER_KEY, Math.ceil(timeoutSeconds))
  } catch (err) {
    exit(1, `BLPOP ${LISTENER_KEY}: ${err.message}`)
  }
  await redis.quit()
  if (reply == null) exit(1, `BLPOP ${LISTENER_KEY}: no listener address within ${timeoutSeconds} s`)
  // go-libp2p (and our node) publish wss as /tls/ws
  const target = multiaddr(reply.element.replace('/tls/ws', '/wss'))
  log(`dialling ${target.toString()}`)
  let handshakePlusOneRTT, pingRTT
  try {
    const t0 = performance.now()
    const connection = await node.dial(target)
    // a webrtc dial resolves with the direct connection; the relayed one only carried the signalling
    if (connection.limits != null) throw new Error(`got a limited connection to ${connection.remoteAddr.toString()}`)
    pingRTT = await node.services.ping.ping(connection.remotePeer)
    handshakePlusOneRTT = performance.now() - t0
    log(`connected (${connection.encryption}, ${connection.multiplexer}) to ${connection.remoteAddr.toString()}`)
  } catch (err) {
    exit(1, `dial + ping failed: ${err?.name}: ${err?.message}`)
  }
  const round = (ms) => Math.round(ms * 1000) / 1000
  const line = JSON.stringify({ handshakePlusOneRTTMillis: round(handshakePlusOneRTT), pingRTTMilllis: round(pingRTT) })
  process.stdout.write(line + '\n', () => { void stopAndExit(0) })
}
