// Our node in Chromium against our node in Node, and against js-libp2p 3.3.11 in Node
// (interop/js-peer on Node 24), over WebSockets on 127.0.0.1.
// The page (http://127.0.0.1:<port>, interop/browser/chromium.mjs) loads the minified browser
// bundle of our stack (interop/browser/entry.mjs, built by bundle.mjs: webSockets + noise + yamux +
// identify + ping) and dials a Node peer listening on /ip4/127.0.0.1/tcp/0/ws that serves the test
// protocols: identify both ways (protocols and agent versions), ping both ways, and 8 MiB through
// /echo/1.0.0 with sha256 computed in the page (crypto.subtle) and in Node.
import assert from 'node:assert/strict'
import { buildBrowserBundle } from '../browser/bundle.mjs'
import { chromiumUnavailable, launchChromium } from '../browser/chromium.mjs'
import { ECHO_PROTOCOL, IDENTIFY_PROTOCOL, PING_PROTOCOL, TEST_PROTOCOLS } from '../js-peer/protocols.mjs'
import { spawnJsPeer } from './harness.mjs'
import { checkOurNode, startOurPeer } from './ours-peer.mjs'

const PAGE_AGENT = 'libp2p-ts-browser-e2e/0.1.0'
const ECHO_BYTES = 8 * 1024 * 1024
const WAIT_MS = 20_000

/** a page.evaluate() failure, with the page's uncaught and console errors appended */
class PageEvalError extends Error {
  static name = 'PageEvalError'
  name = 'PageEvalError'
}

/**
 * The cases for the page dialing one Node peer (`server`: our node or a js peer, same interface).
 * `ctx()` gives { page, server, target } once the before hook has run.
 */
function defineCases (ctx) {
  let page, server, target
  const inPage = (fn, arg) => page.evaluate(fn, arg).catch((err) => {
    throw new PageEvalError(`${err.message}${page.errors.length > 0 ? `\npage errors: ${page.errors.join('\n')}` : ''}`)
  })
  before(function () {
    ({ page, server, target } = ctx())
  })

  it('dials it over ws: Noise, Yamux, inbound on the Node side', async function () {
    const from = server.eventCount()
    const conn = await inPage((a) => window.driver.dial(a.target, a.ms), { target, ms: WAIT_MS })
    assert.equal(conn.remotePeer, server.peerId)
    assert.equal(conn.direction, 'outbound')
    assert.equal(conn.encryption, '/noise')
    assert.equal(conn.multiplexer, '/yamux/1.0.0')
    assert.match(conn.remoteAddr, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//)
    const inbound = await server.waitEvent(e => e.event === 'connection:open' && e.remotePeer === page.started.peerId, { from, timeoutMs: WAIT_MS, what: 'the page\'s connection' })
    assert.equal(inbound.direction, 'inbound')
    assert.equal(inbound.encryption, '/noise')
    assert.equal(inbound.multiplexer, '/yamux/1.0.0')
    assert.match(inbound.remoteAddr, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws/)
    console.log(`      dial from the page: ${conn.ms.toFixed(1)} ms`)
  })

  it('identify both ways: each side has the other\'s protocols and agent version', async function () {
    const [byPage, byNode] = await Promise.all([
      inPage((a) => window.driver.waitIdentify(a.peerId, a.ms), { peerId: server.peerId, ms: WAIT_MS }),
      server.send('waitIdentify', { peerId: page.started.peerId, timeoutMs: WAIT_MS })
    ])
    for (const p of [...TEST_PROTOCOLS, IDENTIFY_PROTOCOL, PING_PROTOCOL]) assert.ok(byPage.protocols.includes(p), `the page did not learn ${p}: ${byPage.protocols}`)
    assert.equal(byPage.agentVersion, server.agentVersion)
    assert.ok(byPage.listenAddrs.some(a => /\/ws$/.test(a)), `no ws listen address in ${byPage.listenAddrs}`)
    assert.deepEqual(byNode.protocols, page.started.protocols)
    assert.equal(byNode.agentVersion, PAGE_AGENT)
    // and both peer stores hold it
    const [inPageStore, inNodeStore] = await Promise.all([
      inPage((id) => window.driver.peer(id), server.peerId),
      server.send('waitPeer', { peerId: page.started.peerId, protocols: page.started.protocols, agentVersion: PAGE_AGENT, timeoutMs: WAIT_MS })
    ])
    assert.equal(inPageStore.agentVersion, server.agentVersion)
    assert.ok(inPageStore.protocols.includes(ECHO_PROTOCOL))
    assert.ok(inNodeStore.protocols.includes(PING_PROTOCOL))
  })

  it('ping both ways', async function () {
    const [fromPage, fromNode] = await Promise.all([
      inPage((a) => window.driver.ping(a.target, 3, a.ms), { target, ms: WAIT_MS }),
      server.send('ping', { target: page.started.peerId, count: 3, timeoutMs: WAIT_MS })
    ])
    for (const rtts of [fromPage.rtts, fromNode.rtts]) {
      assert.equal(rtts.length, 3)
      for (const rtt of rtts) assert.ok(Number.isFinite(rtt) && rtt >= 0, `rtt ${rtt}`)
    }
    console.log(`      ping rtt ms: page → node ${fromPage.rtts.map(r => r.toFixed(1))}, node → page ${fromNode.rtts.map(r => r.toFixed(1))}`)
  })

  it(`${ECHO_BYTES / 1024 / 1024} MiB through ${ECHO_PROTOCOL}: sha256 (crypto.subtle in the page) equal both ways and in Node`, async function () {
    const from = server.eventCount()
    const r = await inPage((a) => window.driver.echo(a.target, { bytes: a.bytes, timeoutMs: 60_000 }), { target, bytes: ECHO_BYTES })
    assert.equal(r.sent.bytes, ECHO_BYTES)
    assert.equal(r.received.bytes, ECHO_BYTES)
    assert.equal(r.received.sha256, r.sent.sha256)
    const served = await server.waitEvent(e => e.event === 'stream' && e.protocol === ECHO_PROTOCOL && e.remotePeer === page.started.peerId, { from, timeoutMs: WAIT_MS, what: 'the echo report' })
    assert.equal(served.outcome, 'eof')
    assert.equal(served.bytesIn, ECHO_BYTES)
    assert.equal(served.sha256In, r.sent.sha256)
    assert.equal(served.bytesOut, ECHO_BYTES)
    console.log(`      echo ${ECHO_BYTES} B each way in ${Math.round(r.ms)} ms (${r.MBps.toFixed(1)} MB/s both directions), stream ${r.status}`)
  })
}

describe('our node in Chromium (ws, noise, yamux)', function () {
  let browser, page, ours, js, bundle

  before(async function () {
    const { missing } = await checkOurNode()
    const reason = await chromiumUnavailable() ?? missing.core ?? missing.websockets ?? missing.identify ?? missing.ping
    if (reason != null) {
      console.log(`      SKIPPED (every case): ${reason}`)
      this.skip()
    }
    const started = await Promise.allSettled([
      buildBrowserBundle('ours'),
      startOurPeer({ name: 'ours-node-ws', listen: ['/ip4/127.0.0.1/tcp/0/ws'], webSockets: {} }),
      spawnJsPeer({ name: 'js-node-ws', listen: ['/ip4/127.0.0.1/tcp/0/ws'] }),
      launchChromium()
    ])
    ;[bundle, ours, js, browser] = started.map(r => r.value)
    for (const r of started) if (r.status === 'rejected') throw r.reason
    assert.deepEqual(bundle.nodeImports, [], 'the browser bundle imports node: modules')
    page = await browser.openPage({ bundle: bundle.code, stack: 'ours', agent: PAGE_AGENT })
    console.log(`      Chromium ${browser.version} (launch ${Math.round(browser.launchMs)} ms), bundle ${bundle.bytes} B (built in ${bundle.ms} ms), page ${page.url}`)
  })

  after(async function () {
    await Promise.allSettled([browser?.close(), ours?.stop(), js?.stop()])
  })

  const wsAddr = (peer) => {
    const ma = peer.multiaddrs.find(a => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//.test(a))
    assert.ok(ma != null, `${peer.name} has no ws address: ${peer.multiaddrs}`)
    return ma
  }

  it('the page runs our node: a secure context, no listen address, identify and ping handled', async function () {
    const s = page.started
    assert.equal(s.secureContext, true)
    assert.match(s.peerId, /^12D3KooW/)
    assert.deepEqual(s.multiaddrs, [])
    for (const p of [IDENTIFY_PROTOCOL, PING_PROTOCOL]) assert.ok(s.protocols.includes(p), `page node lacks ${p}: ${s.protocols}`)
  })

  describe('→ our node in Node', function () {
    defineCases(() => ({ page, server: ours, target: wsAddr(ours) }))
  })

  describe('→ js-libp2p 3.3.11 in Node', function () {
    defineCases(() => ({ page, server: js, target: wsAddr(js) }))
  })
})
