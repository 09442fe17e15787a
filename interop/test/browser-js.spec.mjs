// js-libp2p 3.3.11 in Chromium (a browser client this project did not write) against our node in
// Node, over WebSockets on 127.0.0.1. The page (http://127.0.0.1:<port>, interop/browser/chromium.mjs)
// loads interop/browser/entry.mjs bundled by esbuild against interop/js-peer/node_modules (libp2p,
// @libp2p/websockets, @chainsafe/libp2p-noise, @chainsafe/libp2p-yamux, @libp2p/identify,
// @libp2p/ping) and dials our Node node on /ip4/127.0.0.1/tcp/0/ws: identify both ways, ping both
// ways, and 1 MiB through /echo/1.0.0 with sha256 checked in the page and in Node.
import assert from 'node:assert/strict'
import { buildBrowserBundle } from '../browser/bundle.mjs'
import { chromiumUnavailable, launchChromium } from '../browser/chromium.mjs'
import { ECHO_PROTOCOL, IDENTIFY_PROTOCOL, PING_PROTOCOL, TEST_PROTOCOLS } from '../js-peer/protocols.mjs'
import { ensureJsPeer } from './harness.mjs'
import { OUR_AGENT, checkOurNode, startOurPeer } from './ours-peer.mjs'

const PAGE_AGENT = 'js-libp2p-browser-interop/3.3.11'
const ECHO_BYTES = 1024 * 1024
const WAIT_MS = 20_000

/** a page.evaluate() failure, with the page's uncaught and console errors appended */
class PageEvalError extends Error {
  static name = 'PageEvalError'
  name = 'PageEvalError'
}

describe('js-libp2p 3.3.11 in Chromium → our node in Node (ws, noise, yamux)', function () {
  let browser, page, server, target

  const inPage = (fn, arg) => page.evaluate(fn, arg).catch((err) => {
    throw new PageEvalError(`${err.message}${page.errors.length > 0 ? `\npage errors: ${page.errors.join('\n')}` : ''}`)
  })

  before(async function () {
    const { missing } = await checkOurNode()
    const reason = await chromiumUnavailable() ?? missing.core ?? missing.websockets ?? missing.identify ?? missing.ping
    if (reason != null) {
      console.log(`      SKIPPED (every case): ${reason}`)
      this.skip()
    }
    ensureJsPeer() // installs interop/js-peer's node_modules if they are missing
    const [bundle, srv, br] = await Promise.allSettled([
      buildBrowserBundle('js'),
      startOurPeer({ name: 'ours-node-ws', listen: ['/ip4/127.0.0.1/tcp/0/ws'], webSockets: {} }),
      launchChromium()
    ])
    server = srv.value
    browser = br.value
    for (const r of [bundle, srv, br]) if (r.status === 'rejected') throw r.reason
    target = server.multiaddrs.find(a => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\//.test(a))
    assert.ok(target != null, `no ws address: ${server.multiaddrs}`)
    page = await browser.openPage({ bundle: bundle.value.code, stack: 'js', agent: PAGE_AGENT })
    console.log(`      Chromium ${browser.version}, js-libp2p bundle ${bundle.value.bytes} B (built in ${bundle.value.ms} ms), page ${page.url}`)
  })

  after(async function () {
    await Promise.allSettled([browser?.close(), server?.stop()])
  })

  it('the page runs js-libp2p: no listen address, identify and ping handled', async function () {
    const s = page.started
    assert.match(s.peerId, /^12D3KooW/)
    assert.deepEqual(s.multiaddrs, [])
    for (const p of [IDENTIFY_PROTOCOL, PING_PROTOCOL]) assert.ok(s.protocols.includes(p), `page node lacks ${p}: ${s.protocols}`)
  })

  it('dials our Node node over ws: Noise, Yamux, inbound on our side', async function () {
    const from = server.eventCount()
    const conn = await inPage((a) => window.driver.dial(a.target, a.ms), { target, ms: WAIT_MS })
    assert.equal(conn.remotePeer, server.peerId)
    assert.equal(conn.direction, 'outbound')
    assert.equal(conn.encryption, '/noise')
    assert.equal(conn.multiplexer, '/yamux/1.0.0')
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
    assert.equal(byPage.agentVersion, OUR_AGENT)
    assert.ok(byPage.listenAddrs.some(a => /\/ws$/.test(a)), `no ws listen address in ${byPage.listenAddrs}`)
    assert.deepEqual(byNode.protocols, page.started.protocols)
    assert.equal(byNode.agentVersion, PAGE_AGENT)
    const [inPageStore, inNodeStore] = await Promise.all([
      inPage((id) => window.driver.peer(id), server.peerId),
      server.send('waitPeer', { peerId: page.started.peerId, protocols: page.started.protocols, agentVersion: PAGE_AGENT, timeoutMs: WAIT_MS })
    ])
    assert.equal(inPageStore.agentVersion, OUR_AGENT)
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

  it(`${ECHO_BYTES / 1024 / 1024} MiB through ${ECHO_PROTOCOL}: sha256 equal in the page and in Node`, async function () {
    const from = server.eventCount()
    const r = await inPage((a) => window.driver.echo(a.target, { bytes: a.bytes, timeoutMs: 60_000 }), { target, bytes: ECHO_BYTES })
    assert.equal(r.sent.bytes, ECHO_BYTES)
    assert.equal(r.received.bytes, ECHO_BYTES)
    assert.equal(r.received.sha256, r.sent.sha256)
    const served = await server.waitEvent(e => e.event === 'stream' && e.protocol === ECHO_PROTOCOL && e.remotePeer === page.started.peerId, { from, timeoutMs: WAIT_MS, what: 'the echo report' })
    assert.equal(served.outcome, 'eof')
    assert.equal(served.bytesIn, ECHO_BYTES)
    assert.equal(served.sha256In, r.sent.sha256)
    console.log(`      echo ${ECHO_BYTES} B each way in ${Math.round(r.ms)} ms, stream ${r.status}`)
  })
})
