// Smoke test of the harness itself: two js-libp2p peers (interop/js-peer) on 127.0.0.1 over TCP
// with Noise and Yamux. Then the full matrix (matrix.mjs) with js on both sides, as the baseline the
// ours×js runs are compared with.
import assert from 'node:assert/strict'
import { spawnJsPeer, stopAllJsPeers } from './harness.mjs'
import { defineMatrix } from './matrix.mjs'
import { payloadSha256 } from '../js-peer/payload.mjs'

describe('interop harness smoke: js-libp2p × js-libp2p (tcp, noise, yamux)', function () {
  let a, b

  before(async function () {
    [a, b] = await Promise.all([spawnJsPeer({ name: 'js-A' }), spawnJsPeer({ name: 'js-B' })])
  })

  after(async function () {
    await stopAllJsPeers()
  })

  it('A listens on 127.0.0.1 and reports its peer id and multiaddrs', function () {
    assert.match(a.peerId, /^12D3KooW/)
    assert.ok(a.multiaddrs.length > 0, 'no multiaddrs')
    for (const ma of a.multiaddrs) {
      assert.match(ma, /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/)
      assert.ok(ma.endsWith(`/p2p/${a.peerId}`))
    }
  })

  it('B dials A and pings it', async function () {
    const conn = await b.send('dial', { target: a.multiaddrs[0] })
    assert.equal(conn.remotePeer, a.peerId)
    assert.equal(conn.encryption, '/noise')
    assert.equal(conn.multiplexer, '/yamux/1.0.0')
    assert.equal(conn.direction, 'outbound')
    const inbound = await a.waitEvent(e => e.event === 'connection:open' && e.remotePeer === b.peerId, { what: 'B\'s connection' })
    assert.equal(inbound.direction, 'inbound')

    const { rtt, rtts } = await b.send('ping', { target: a.multiaddrs[0], count: 3 })
    assert.equal(rtts.length, 3)
    for (const r of rtts) assert.ok(Number.isFinite(r) && r >= 0, `rtt ${r}`)
    console.log(`      ping rtt ${rtts.join(', ')} ms (first ${rtt})`)
  })

  it('B echoes 1 MiB through A with a matching sha256', async function () {
    const bytes = 1024 * 1024
    const from = a.eventCount()
    const r = await b.send('echo', { target: a.multiaddrs[0], bytes, seed: 'smoke' })
    const expected = payloadSha256('smoke-0', bytes)
    assert.equal(r.ok, true, JSON.stringify(r.failures))
    const [s] = r.results
    assert.equal(s.sent.sha256, expected)
    assert.equal(s.received.bytes, bytes)
    assert.equal(s.received.sha256, expected)
    const seen = await a.waitEvent(e => e.event === 'stream' && e.protocol === '/echo/1.0.0' && e.remotePeer === b.peerId, { from, what: 'A\'s echo stream report' })
    assert.equal(seen.outcome, 'eof')
    assert.equal(seen.bytesIn, bytes)
    assert.equal(seen.sha256In, expected)
    console.log(`      1 MiB echo in ${r.ms} ms`)
  })
})

defineMatrix({
  title: 'interop matrix baseline: js-libp2p → js-libp2p',
  dialer: () => spawnJsPeer({ name: 'js-dialer' }),
  listener: () => spawnJsPeer({ name: 'js-listener' })
})
