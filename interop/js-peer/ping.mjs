// js-libp2p 3.x as a libp2p test-plans transport-interop peer ("ping test"); run with Node 24
// (tools/node24/node_modules/.bin/node). Same env-var contract as interop/ours-ping/ping.mjs and
// docs/INTEROP.md: transport=tcp|ws|wss (wss: dial only, as test-plans' js entry), security=noise,
// muxer=yamux, is_dialer, ip, redis_addr, test_timeout_seconds. Result on stdout, logs on stderr.
// Exit codes: 0 success, 1 test failure, 2 unsupported configuration.
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

const LISTEN = { tcp: '/tcp/0', ws: '/tcp/0/ws', 'webrtc-direct': '/udp/0/webrtc-direct' }
if (!['tcp', 'ws', 'wss', 'webrtc-direct'].includes(transport)) exit(2, `unsupported transport '${transport}' (supported: tcp, ws, wss as dialer, webrtc-direct)`)
if (transport === 'wss' && !isDialer) exit(2, 'wss is dial-only for this peer (as in test-plans)')
// webrtc-direct is standalone: its own encryption and muxing
const standalone = transport === 'webrtc-direct'
if (!standalone && env.security !== 'noise') exit(2, `unsupported security '${env.security}' (supported: noise)`)
if (!standalone && env.muxer !== 'yamux') exit(2, `unsupported muxer '${env.muxer}' (supported: yamux)`)
if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) exit(2, `bad test_timeout_seconds '${env.test_timeout_seconds}'`)

const deadline = setTimeout(() => exit(1, `test_timeout_seconds (${timeoutSeconds}) elapsed`), timeoutSeconds * 1000)
if (isDialer) deadline.unref()

// listeners use self-signed certificates
if (transport === 'wss') process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'

const isLoopbackIp = (s) => /^127\./.test(s) || s === '::1'
const ipProto = ip.includes(':') ? 'ip6' : 'ip4'

const node = await createLibp2p({
  addresses: { listen: isDialer ? [] : [`/${ipProto}/${ip}${LISTEN[transport]}`] },
  transports: [transport === 'tcp'
    ? tcp()
    : transport === 'webrtc-direct'
      // node-datachannel gathers no loopback candidates unless bound to the address (RECIPES)
      ? (await import('@libp2p/webrtc')).webRTCDirect({ rtcConfiguration: { iceServers: [], bindAddress: isLoopbackIp(ip) ? ip : undefined } })
      : webSockets()],
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
  const addrs = node.getMultiaddrs().map(ma => ma.toString())
  const hostOf = (a) => a.split('/')[2]
  const chosen = addrs.find(a => !isLoopbackIp(hostOf(a))) ?? (isLoopbackIp(ip) ? addrs.find(a => isLoopbackIp(hostOf(a))) : undefined)
  if (chosen == null) exit(1, `no address to publish (listening on ${addrs.join(' ') || 'nothing'})`)
  const published = chosen.includes('/p2p/') ? chosen : `${chosen}/p2p/${node.peerId.toString()}`
  log(`listening on ${addrs.join(' ')}; publishing ${published}`)
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
