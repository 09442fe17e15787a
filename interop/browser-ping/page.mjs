// Runs in the Chromium page that ping.mjs serves (unbundled, next to /bundle.js = the browser node of
// entry.mjs). The test-plans dialer, in the page: BLPOP listenerAddr through the wrapper's Redis
// proxy (POST /redis, a JSON array → the reply as JSON), dial, ping once, and POST
// { result: { handshakePlusOneRTTMillis, pingRTTMilllis }, info } or { error } to /result.
// The webrtc listener: reserve on the wrapper's relay (config.relayAddr), RPUSH the
// /p2p-circuit/webrtc address once it is up, POST { published, info }, and keep serving ping.
import { createBrowserNode, multiaddr } from '/bundle.js'

const config = JSON.parse(document.getElementById('config').textContent)
const log = (...args) => console.log('[page]', ...args)

async function redis (...args) {
  const res = await fetch('/redis', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args) })
  const body = await res.json()
  if (!res.ok) throw new Error(`redis proxy: ${body.error ?? res.status}`)
  return body
}

async function report (body) {
  await fetch('/result', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

/** resolves with the node's first /p2p-circuit/webrtc address, once the reservation has made it */
async function webrtcAddr (node, signal) {
  const find = () => node.getMultiaddrs().map(String).find(a => a.includes('/p2p-circuit/webrtc'))
  while (find() == null) {
    signal.throwIfAborted()
    await new Promise((resolve) => {
      const done = () => {
        node.removeEventListener('self:peer:update', done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      node.addEventListener('self:peer:update', done)
      signal.addEventListener('abort', done)
    })
  }
  return find()
}

/** the listener: publishes its WebRTC address and resolves with what to report */
async function listen (node, signal) {
  const published = await webrtcAddr(node, signal)
  await redis('RPUSH', 'listenerAddr', published)
  return { published, info: `${node.peerId.toString()} listening through ${config.relayAddr}; ${navigator.userAgent}` }
}

/** the dialer: BLPOP, dial, ping once; resolves with what to report */
async function dialAndPing (node, signal) {
  log(`started ${node.peerId.toString()}; BLPOP listenerAddr`)
  const reply = await redis('BLPOP', 'listenerAddr', String(Math.ceil(config.timeoutSeconds)))
  if (reply == null) throw new Error(`BLPOP listenerAddr: no listener address within ${config.timeoutSeconds} s`)
  const target = multiaddr(reply[1])
  log(`dialling ${target.toString()}`)
  const t0 = performance.now()
  const connection = await node.dial(target, { signal })
  // a webrtc dial resolves with the direct connection; the relayed one only carried the signalling
  if (connection.limits != null) throw new Error(`got a limited connection to ${connection.remoteAddr.toString()}`)
  const pingRTT = await node.services.ping.ping(connection.remotePeer, { signal })
  const handshakePlusOneRTT = performance.now() - t0
  const round = (ms) => Math.round(ms * 1000) / 1000
  return {
    result: { handshakePlusOneRTTMillis: round(handshakePlusOneRTT), pingRTTMilllis: round(pingRTT) },
    info: `connected (${connection.encryption}, ${connection.multiplexer}) to ${connection.remoteAddr.toString()}; ${navigator.userAgent}`
  }
}

let node
let outcome
try {
  const signal = AbortSignal.timeout(config.timeoutSeconds * 1000)
  node = await createBrowserNode({
    addresses: { listen: config.isDialer ? [] : [`${config.relayAddr}/p2p-circuit`, '/webrtc'] },
    // the browser default refuses private addresses; the peers are on 127.0.0.1
    connectionGater: { denyDialMultiaddr: () => false }
  })
  if (node.status !== 'started') await node.start()
  outcome = config.isDialer ? await dialAndPing(node, signal) : await listen(node, signal)
} catch (err) {
  outcome = { error: `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}` }
}
await report(outcome)
// a listener keeps its node, serving ping, until the wrapper closes the browser
if (config.isDialer || outcome.error != null) await node?.stop().catch(() => {})
