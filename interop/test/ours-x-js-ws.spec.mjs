// Our node (with @libp2p/websockets) against js-libp2p 3.3.11 (interop/js-peer on Node 24) over
// WebSockets on 127.0.0.1, both directions, over ws and over wss with the self-signed test
// certificate of packages/transport-websockets/test/fixtures (CN=localhost, SAN IP:127.0.0.1).
// The dialer accepts that certificate: ours with `tlsClientOptions: { rejectUnauthorized: false }`,
// the js peer with NODE_TLS_REJECT_UNAUTHORIZED=0 (Node's WebSocket, undici, honours it).
// Per pair: connect (Noise + Yamux over the WebSocket), identify both ways, ping both ways, and an
// echo whose sha256 matches on the dialer and on the echoing listener.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { payloadSha256 } from '../js-peer/payload.mjs'
import { ECHO_PROTOCOL, IDENTIFY_PROTOCOL, PING_PROTOCOL, TEST_PROTOCOLS } from '../js-peer/protocols.mjs'
import { ROOT_DIR, spawnJsPeer } from './harness.mjs'
import { checkOurNode, startOurPeer } from './ours-peer.mjs'

const FIXTURES = path.join(ROOT_DIR, 'packages', 'transport-websockets', 'test', 'fixtures')
const CERT_FILE = path.join(FIXTURES, 'cert.pem')
const KEY_FILE = path.join(FIXTURES, 'key.pem')
const ECHO_BYTES = 4 * 1024 * 1024
const WAIT_MS = 20_000

/** the listener's address of this scheme: /ws, or /wss (js publishes /tls/ws, as we do) */
function addressOf (peer, scheme) {
  const re = scheme === 'ws' ? /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\// : /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/(tls\/ws|wss)\/p2p\//
  const ma = peer.multiaddrs.find(a => re.test(a))
  assert.ok(ma != null, `${peer.name} has no 127.0.0.1 ${scheme} address: ${peer.multiaddrs}`)
  return ma
}

function isWsAddr (scheme, ma) {
  return scheme === 'ws' ? /\/tcp\/\d+\/ws(\/|$)/.test(ma) : /\/tcp\/\d+\/(tls\/ws|wss)(\/|$)/.test(ma)
}

const ours = {
  dialer: (scheme) => startOurPeer({
    name: `ours-${scheme}-dialer`,
    webSockets: scheme === 'wss' ? { tlsClientOptions: { rejectUnauthorized: false } } : {}
  }),
  listener: (scheme) => startOurPeer({
    name: `ours-${scheme}-listener`,
    listen: [`/ip4/127.0.0.1/tcp/0/${scheme}`],
    webSockets: scheme === 'wss' ? { https: { cert: fs.readFileSync(CERT_FILE), key: fs.readFileSync(KEY_FILE) } } : {}
  })
}

const js = {
  dialer: (scheme) => spawnJsPeer({
    name: `js-${scheme}-dialer`,
    env: scheme === 'wss' ? { NODE_TLS_REJECT_UNAUTHORIZED: '0' } : {}
  }),
  listener: async (scheme) => {
    const peer = await spawnJsPeer({
      name: `js-${scheme}-listener`,
      listen: [`/ip4/127.0.0.1/tcp/0/${scheme}`],
      env: scheme === 'wss' ? { JS_PEER_TLS_CERT: CERT_FILE, JS_PEER_TLS_KEY: KEY_FILE } : {}
    })
    peer.jsInboundWssAsWs = true
    return peer
  }
}

function definePair (title, scheme, makeDialer, makeListener) {
  describe(title, function () {
    let d, l, target

    before(async function () {
      const { missing } = await checkOurNode()
      const reason = missing.core ?? missing.websockets ?? missing.identify ?? missing.ping
      if (reason != null) {
        console.log(`      SKIPPED (every case): ${reason}`)
        this.skip()
      }
      const [dr, lr] = await Promise.allSettled([makeDialer(scheme), makeListener(scheme)])
      d = dr.value
      l = lr.value
      for (const r of [dr, lr]) if (r.status === 'rejected') throw r.reason
      target = addressOf(l, scheme)
    })

    after(async function () {
      await Promise.all([d?.stop(), l?.stop()])
    })

    it(`connects over ${scheme} with Noise and Yamux`, async function () {
      const from = l.eventCount()
      const conn = await d.send('dial', { target, timeoutMs: WAIT_MS })
      assert.equal(conn.remotePeer, l.peerId)
      assert.equal(conn.direction, 'outbound')
      assert.equal(conn.encryption, '/noise')
      assert.equal(conn.multiplexer, '/yamux/1.0.0')
      assert.ok(isWsAddr(scheme, conn.remoteAddr), `dialer's remoteAddr ${conn.remoteAddr} is not ${scheme}`)
      const inbound = await l.waitEvent(e => e.event === 'connection:open' && e.remotePeer === d.peerId, { from, timeoutMs: WAIT_MS, what: 'the inbound connection' })
      assert.equal(inbound.direction, 'inbound')
      assert.equal(inbound.encryption, '/noise')
      assert.equal(inbound.multiplexer, '/yamux/1.0.0')
      // js-libp2p's listener writes /ws into the remote address of every inbound connection, wss too
      // (@libp2p/websockets 10.1.21 listener.js: `.encapsulate('/ws')`)
      const inboundScheme = l.jsInboundWssAsWs === true ? 'ws' : scheme
      assert.ok(isWsAddr(inboundScheme, inbound.remoteAddr), `listener's remoteAddr ${inbound.remoteAddr} is not ${inboundScheme}`)
    })

    it('identify both ways: protocols and agent versions', async function () {
      const [byDialer, byListener] = await Promise.all([
        d.send('waitIdentify', { peerId: l.peerId, timeoutMs: WAIT_MS }),
        l.send('waitIdentify', { peerId: d.peerId, timeoutMs: WAIT_MS })
      ])
      for (const [r, other] of [[byDialer, l], [byListener, d]]) {
        for (const p of [...TEST_PROTOCOLS, IDENTIFY_PROTOCOL, PING_PROTOCOL]) {
          assert.ok(r.protocols.includes(p), `identify of ${other.name} lacks ${p}: ${r.protocols}`)
        }
        assert.equal(r.agentVersion, other.agentVersion)
      }
      // the listener announces its ws/wss address, and the dialer learned it
      assert.ok(byDialer.listenAddrs.some(a => isWsAddr(scheme, a)), `no ${scheme} listen address in ${byDialer.listenAddrs}`)
    })

    it('ping both ways', async function () {
      const [a, b] = await Promise.all([
        d.send('ping', { target: l.peerId, count: 3, timeoutMs: WAIT_MS }),
        l.send('ping', { target: d.peerId, count: 3, timeoutMs: WAIT_MS })
      ])
      for (const r of [a, b]) {
        assert.equal(r.rtts.length, 3)
        for (const rtt of r.rtts) assert.ok(Number.isFinite(rtt) && rtt >= 0, `rtt ${rtt}`)
      }
    })

    it(`echo ${ECHO_BYTES / 1024 / 1024} MiB on ${ECHO_PROTOCOL}, sha256 equal on both ends`, async function () {
      const from = l.eventCount()
      const seed = `ws-echo-${scheme}`
      const r = await d.send('echo', { target: l.peerId, bytes: ECHO_BYTES, seed, timeoutMs: 60_000 })
      const expected = payloadSha256(`${seed}-0`, ECHO_BYTES)
      assert.ok(r.ok, `echo failed: ${JSON.stringify(r.failures)}`)
      assert.equal(r.results[0].sent.sha256, expected)
      assert.equal(r.results[0].received.bytes, ECHO_BYTES)
      assert.equal(r.results[0].received.sha256, expected)
      const served = await l.waitEvent(e => e.event === 'stream' && e.protocol === ECHO_PROTOCOL && e.remotePeer === d.peerId, { from, timeoutMs: WAIT_MS, what: 'the echo report' })
      assert.equal(served.outcome, 'eof')
      assert.equal(served.bytesIn, ECHO_BYTES)
      assert.equal(served.sha256In, expected)
    })
  })
}

describe('our node × js-libp2p 3.3.11 over WebSockets (ws, wss; noise, yamux)', function () {
  for (const scheme of ['ws', 'wss']) {
    definePair(`${scheme}: ours → js-libp2p (our node dials)`, scheme, ours.dialer, js.listener)
    definePair(`${scheme}: js-libp2p → ours (js-libp2p dials)`, scheme, js.dialer, ours.listener)
  }

  describe('wss: the certificate is checked', function () {
    let listener, strict

    before(async function () {
      const { missing } = await checkOurNode()
      const reason = missing.core ?? missing.websockets
      if (reason != null) {
        console.log(`      SKIPPED (every case): ${reason}`)
        this.skip()
      }
      const [lr, sr] = await Promise.allSettled([js.listener('wss'), startOurPeer({ name: 'ours-wss-strict', webSockets: {} })])
      listener = lr.value
      strict = sr.value
      for (const r of [lr, sr]) if (r.status === 'rejected') throw r.reason
    })

    after(async function () {
      await Promise.all([listener?.stop(), strict?.stop()])
    })

    it('our dial of the self-signed wss listener fails without rejectUnauthorized: false', async function () {
      await assert.rejects(strict.send('dial', { target: addressOf(listener, 'wss'), timeoutMs: WAIT_MS }), (err) => {
        assert.match(String(err?.message) + String(err?.cause?.message ?? ''), /certificate|self.signed|unable to verify/i)
        return true
      })
      assert.deepEqual(await listener.send('connections', { peerId: strict.peerId }), [])
    })
  })
})
