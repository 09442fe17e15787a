// Runs in the Chromium page that ping.mjs serves (unbundled, next to /bundle.js = our browser node,
// interop/browser/entry.mjs). The test-plans dialer, in the page: BLPOP listenerAddr through the
// wrapper's Redis proxy (POST /redis, a JSON array → the reply as JSON), dial, ping once, and POST
// { result: { handshakePlusOneRTTMillis, pingRTTMilllis }, info } or { error } to /result.
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

let node
try {
  const signal = AbortSignal.timeout(config.timeoutSeconds * 1000)
  node = await createBrowserNode({
    // the browser default refuses private addresses; the listener is on 127.0.0.1
    connectionGater: { denyDialMultiaddr: () => false }
  })
  if (node.status !== 'started') await node.start()
  log(`started ${node.peerId.toString()}; BLPOP listenerAddr`)
  const reply = await redis('BLPOP', 'listenerAddr', String(Math.ceil(config.timeoutSeconds)))
  if (reply == null) throw new Error(`BLPOP listenerAddr: no listener address within ${config.timeoutSeconds} s`)
  const target = multiaddr(reply[1])
  log(`dialling ${target.toString()}`)
  const t0 = performance.now()
  const connection = await node.dial(target, { signal })
  const pingRTT = await node.services.ping.ping(connection.remotePeer, { signal })
  const handshakePlusOneRTT = performance.now() - t0
  const round = (ms) => Math.round(ms * 1000) / 1000
  await report({
    result: { handshakePlusOneRTTMillis: round(handshakePlusOneRTT), pingRTTMilllis: round(pingRTT) },
    info: `connected (${connection.encryption}, ${connection.multiplexer}) to ${connection.remoteAddr.toString()}; ${navigator.userAgent}`
  })
} catch (err) {
  await report({ error: `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}` })
} finally {
  await node?.stop().catch(() => {})
}
