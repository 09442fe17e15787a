// The interop matrix, written once for any pair of endpoints (a spawned js peer from harness.mjs,
// or our node from ours-peer.mjs): the dialer connects to the listener's first 127.0.0.1 TCP
// address (Noise, Yamux) and every case below runs over that connection.
//
// An endpoint has: name, peerId, multiaddrs, protocols, agentVersion, send(cmd, args),
// waitEvent(predicate, opts), eventCount(), stop(), and optionally missingCapability(cap) → null
// or the reason it cannot run a case needing cap ('core', 'identify', 'identify-push', 'ping').
import assert from 'node:assert/strict'
import { payloadSha256 } from '../js-peer/payload.mjs'
import {
  ECHO_PROTOCOL, HALF_CLOSE_GREETING_BYTES, HALF_CLOSE_PROTOCOL, IDENTIFY_PROTOCOL, RESET_PROTOCOL,
  SINK_PROTOCOL, TEST_PROTOCOLS
} from '../js-peer/protocols.mjs'

const MiB = 1024 * 1024
const LARGE_BYTES = 64 * MiB
const CONCURRENT_STREAMS = 200
const CONCURRENT_STREAM_BYTES = 64 * 1024
const LONG_COMMAND_MS = 100_000

function stripP2p (ma) {
  return ma.replace(/\/p2p\/[^/]+$/, '')
}

/** the other side's stream reports since event index `from`, for assertion messages */
function reportsSince (peer, from) {
  const reports = peer.events.slice(from).filter(e => e.event === 'stream')
  return `${peer.name}'s stream reports: ${JSON.stringify(reports.slice(0, 5))}${reports.length > 5 ? ` (+${reports.length - 5} more)` : ''}`
}

function streamEvent (peerId, protocol) {
  return (e) => e.event === 'stream' && e.remotePeer === peerId && e.protocol === protocol
}

/**
 * @param {object} opts
 * @param {string} opts.title
 * @param {() => Promise<object>} opts.dialer creates the dialing endpoint
 * @param {() => Promise<object>} opts.listener creates the listening endpoint
 * @param {() => Promise<string|null>} [opts.unavailable] a reason to skip the whole matrix, or null
 */
export function defineMatrix ({ title, dialer: makeDialer, listener: makeListener, unavailable }) {
  describe(title, function () {
    let d, l, target

    before(async function () {
      const reason = await unavailable?.()
      if (reason != null) {
        console.log(`      SKIPPED (every case): ${reason}`)
        this.skip()
      }
      // start both, keeping whichever started so after() stops it even if the other failed
      const [dr, lr] = await Promise.allSettled([makeDialer(), makeListener()])
      d = dr.value
      l = lr.value
      for (const r of [dr, lr]) if (r.status === 'rejected') throw r.reason
      target = l.multiaddrs.find(ma => ma.startsWith('/ip4/127.0.0.1/tcp/'))
      assert.ok(target != null, `${l.name} has no 127.0.0.1 TCP address: ${l.multiaddrs}`)
    })

    after(async function () {
      await Promise.all([d?.stop(), l?.stop()])
    })

    /** it() that skips, printing why, when either endpoint lacks a capability */
    function test (name, needs, fn) {
      it(name, async function () {
        for (const cap of needs) {
          const reason = d.missingCapability?.(cap) ?? l.missingCapability?.(cap) ?? null
          if (reason != null) {
            console.log(`      SKIPPED "${name}": ${reason}`)
            this.skip()
          }
        }
        await fn.call(this)
      })
    }

    /**
     * Makes sure the dialer has an open connection to the listener (dialing the multiaddr if not)
     * and returns the listener's peer id: the stream cases target the peer id, so they test
     * streams over the existing connection, not dial logic (the first two cases test that).
     */
    async function connected () {
      const open = (await d.send('connections', { peerId: l.peerId })).filter(c => c.status === 'open')
      if (open.length === 0) await d.send('dial', { target })
      return l.peerId
    }

    test('connects over TCP with Noise and Yamux, seen on both sides', ['core'], async function () {
      const conn = await d.send('dial', { target })
      assert.equal(conn.remotePeer, l.peerId)
      assert.equal(conn.direction, 'outbound')
      assert.equal(conn.encryption, '/noise')
      assert.equal(conn.multiplexer, '/yamux/1.0.0')
      assert.equal(conn.status, 'open')
      const inbound = await l.waitEvent(e => e.event === 'connection:open' && e.remotePeer === d.peerId, { from: 0, what: `the connection from ${d.name}` })
      assert.equal(inbound.direction, 'inbound')
      assert.equal(inbound.encryption, '/noise')
      assert.equal(inbound.multiplexer, '/yamux/1.0.0')
      assert.ok(inbound.remoteAddr.startsWith('/ip4/127.0.0.1/tcp/'), inbound.remoteAddr)
    })

    test('dialing the same /p2p multiaddr again, or pinging it, reuses the open connection', ['core', 'ping'], async function () {
      const first = await d.send('dial', { target })
      const again = await d.send('dial', { target })
      assert.equal(again.connectionId, first.connectionId, 'a second dial of the same multiaddr opened a new connection')
      await d.send('ping', { target })
      const conns = (await d.send('connections', { peerId: l.peerId })).filter(c => c.status === 'open')
      assert.deepEqual(conns.map(c => c.connectionId), [first.connectionId], 'ping(multiaddr) did not use the open connection')
    })

    for (const [who, other, whoLabel] of [[() => d, () => l, 'the dialer learns the listener'], [() => l, () => d, 'the listener learns the dialer']]) {
      test(`identify: ${whoLabel} (protocols, listen addresses, agent version)`, ['core', 'identify'], async function () {
        const a = who()
        const b = other()
        await connected()
        const bInfo = await b.send('info')
        const r = await a.send('waitIdentify', { peerId: b.peerId })
        for (const p of bInfo.protocols) assert.ok(r.protocols.includes(p), `${a.name} did not learn ${b.name}'s protocol ${p}: ${r.protocols}`)
        for (const p of [...TEST_PROTOCOLS, IDENTIFY_PROTOCOL]) assert.ok(r.protocols.includes(p), `missing ${p}`)
        for (const ma of b.multiaddrs) assert.ok(r.listenAddrs.includes(stripP2p(ma)), `${a.name} did not learn ${b.name}'s listen address ${ma}: ${r.listenAddrs}`)
        assert.equal(r.agentVersion, b.agentVersion)
        assert.equal(typeof r.protocolVersion, 'string')

        const rec = await a.send('peer', { peerId: b.peerId })
        for (const p of bInfo.protocols) assert.ok(rec.protocols.includes(p), `peer store of ${a.name} lacks ${p}`)
        for (const ma of b.multiaddrs) assert.ok(rec.addresses.includes(stripP2p(ma)), `peer store of ${a.name} lacks ${ma}: ${rec.addresses}`)
        assert.equal(rec.agentVersion, b.agentVersion)
      })
    }

    test('ping: dialer → listener and listener → dialer', ['core', 'ping'], async function () {
      const there = await d.send('ping', { target: await connected(), count: 3 })
      const back = await l.send('ping', { target: d.peerId, count: 3 })
      for (const r of [...there.rtts, ...back.rtts]) assert.ok(Number.isFinite(r) && r >= 0, `rtt ${r}`)
      const fmt = (rtts) => rtts.map(r => r.toFixed(1)).join('/')
      console.log(`      rtt ${d.name}→${l.name} ${fmt(there.rtts)} ms, back ${fmt(back.rtts)} ms`)
    })

    test(`a ${LARGE_BYTES / MiB} MiB stream is echoed back with a matching sha256`, ['core'], async function () {
      this.timeout(LONG_COMMAND_MS + 20_000)
      const from = l.eventCount()
      const r = await d.send('echo', { target: await connected(), bytes: LARGE_BYTES, seed: 'large', timeoutMs: LONG_COMMAND_MS })
      const expected = payloadSha256('large-0', LARGE_BYTES)
      assert.equal(r.ok, true, `${JSON.stringify(r.failures)}; ${reportsSince(l, from)}`)
      assert.equal(r.results[0].sent.sha256, expected)
      assert.equal(r.results[0].received.bytes, LARGE_BYTES)
      assert.equal(r.results[0].received.sha256, expected)
      const seen = await l.waitEvent(streamEvent(d.peerId, ECHO_PROTOCOL), { from, what: 'the listener\'s echo report' })
      assert.equal(seen.outcome, 'eof', JSON.stringify(seen))
      assert.equal(seen.bytesIn, LARGE_BYTES)
      assert.equal(seen.sha256In, expected)
      console.log(`      ${LARGE_BYTES / MiB} MiB echoed in ${r.ms} ms (${r.MBps} MB/s each way)`)
    })

    test('the listener opens streams back over the inbound connection (1 MiB echo)', ['core'], async function () {
      await connected()
      const from = d.eventCount()
      const r = await l.send('echo', { target: d.peerId, bytes: MiB, seed: 'reverse' })
      assert.equal(r.ok, true, `${JSON.stringify(r.failures)}; ${reportsSince(d, from)}`)
      assert.equal(r.results[0].received.sha256, payloadSha256('reverse-0', MiB))
      const seen = await d.waitEvent(streamEvent(l.peerId, ECHO_PROTOCOL), { from, what: 'the dialer\'s echo report' })
      assert.equal(seen.outcome, 'eof', JSON.stringify(seen))
      assert.equal(seen.direction, 'inbound')
      const conns = await l.send('connections', { peerId: d.peerId })
      assert.ok(conns.length > 0)
      assert.deepEqual(conns.map(c => c.direction).filter(x => x !== 'inbound'), [], `the listener dialed the dialer: ${JSON.stringify(conns)}`)
    })

    test(`${CONCURRENT_STREAMS} concurrent echo streams, each with its own payload`, ['core'], async function () {
      const from = l.eventCount()
      const r = await d.send('echo', { target: await connected(), bytes: CONCURRENT_STREAM_BYTES, streams: CONCURRENT_STREAMS, seed: 'many', timeoutMs: LONG_COMMAND_MS })
      assert.equal(r.ok, true, `${r.okStreams}/${r.streams} ok; first failures: ${JSON.stringify(r.failures)}; ${reportsSince(l, from)}`)
      assert.equal(r.okStreams, CONCURRENT_STREAMS)
      const reports = new Map()
      await l.waitEvent((e) => {
        if (streamEvent(d.peerId, ECHO_PROTOCOL)(e)) reports.set(e.streamId, e)
        return reports.size >= CONCURRENT_STREAMS
      }, { from, what: `${CONCURRENT_STREAMS} echo reports on the listener` })
      const bad = [...reports.values()].filter(e => e.outcome !== 'eof' || e.bytesIn !== CONCURRENT_STREAM_BYTES)
      assert.deepEqual(bad, [])
      console.log(`      ${CONCURRENT_STREAMS} × ${CONCURRENT_STREAM_BYTES / 1024} KiB in ${r.ms} ms`)
    })

    test('one-way upload (8 MiB to /sink/1.0.0): the listener reads it all, then both sides close', ['core'], async function () {
      const from = l.eventCount()
      const r = await d.send('sink', { target: await connected(), bytes: 8 * MiB, seed: 'sink' })
      assert.equal(r.sent.sha256, payloadSha256('sink', 8 * MiB))
      assert.equal(r.received.bytes, 0)
      assert.equal(r.status, 'closed')
      const seen = await l.waitEvent(streamEvent(d.peerId, SINK_PROTOCOL), { from, what: 'the listener\'s sink report' })
      assert.equal(seen.outcome, 'eof', JSON.stringify(seen))
      assert.equal(seen.bytesIn, 8 * MiB)
      assert.equal(seen.sha256In, r.sent.sha256)
    })

    for (const [opener, responder, label] of [[() => d, () => l, 'dialer opens'], [() => l, () => d, 'listener opens']]) {
      test(`half-close (${label}): the responder closes its write side first, the opener reads to EOF and keeps writing`, ['core'], async function () {
        const a = opener()
        const b = responder()
        await connected()
        const from = b.eventCount()
        const r = await a.send('halfClose', { target: a === d ? l.peerId : d.peerId, bytes: 300_000 })
        assert.equal(r.greeting.bytes, HALF_CLOSE_GREETING_BYTES)
        assert.equal(r.greetingOk, true, JSON.stringify(r.greeting))
        assert.equal(r.afterRemoteClose.writeStatus, 'writable', `${a.name} could not write after the remote's EOF: ${JSON.stringify(r.afterRemoteClose)}`)
        assert.equal(r.sent.bytes, 300_000)
        assert.equal(r.status, 'closed')
        const seen = await b.waitEvent(streamEvent(a.peerId, HALF_CLOSE_PROTOCOL), { from, what: `${b.name}'s half-close report` })
        assert.equal(seen.outcome, 'eof', JSON.stringify(seen))
        assert.equal(seen.bytesIn, 300_000)
        assert.equal(seen.sha256In, r.sent.sha256)
        assert.equal(seen.bytesOut, HALF_CLOSE_GREETING_BYTES)
      })
    }

    for (const [opener, responder, label] of [[() => d, () => l, 'dialer'], [() => l, () => d, 'listener']]) {
      test(`reset by the stream opener (${label}) is seen as a reset by the other side`, ['core'], async function () {
        const a = opener()
        const b = responder()
        await connected()
        const from = b.eventCount()
        const r = await a.send('resetStream', { target: a === d ? l.peerId : d.peerId, protocol: ECHO_PROTOCOL })
        assert.ok(r.replyBytes > 0)
        assert.ok(['aborted', 'reset'].includes(r.status), r.status)
        const seen = await b.waitEvent(streamEvent(a.peerId, ECHO_PROTOCOL), { from, what: `${b.name}'s echo report after the reset` })
        assert.equal(seen.outcome, 'reset', JSON.stringify(seen))
      })

      test(`reset by the stream responder (opener: ${label}) is seen as a reset by the opener`, ['core'], async function () {
        const a = opener()
        const b = responder()
        await connected()
        const from = b.eventCount()
        const r = await a.send('awaitReset', { target: a === d ? l.peerId : d.peerId, protocol: RESET_PROTOCOL })
        assert.equal(r.sawReset, true, JSON.stringify(r))
        assert.equal(r.status, 'reset')
        assert.notEqual(r.sendAfterReset, 'accepted', 'send() after a reset must throw')
        const seen = await b.waitEvent(streamEvent(a.peerId, RESET_PROTOCOL), { from, what: `${b.name}'s reset report` })
        assert.equal(seen.outcome, 'local-reset', JSON.stringify(seen))
        assert.ok(seen.bytesIn > 0)
      })
    }

    for (const [who, other, label] of [[() => l, () => d, 'listener'], [() => d, () => l, 'dialer']]) {
      test(`identify-push: the ${label} handles then unhandles a protocol and the other side learns both`, ['core', 'identify', 'identify-push'], async function () {
        const a = who()
        const b = other()
        await connected()
        await b.send('waitIdentify', { peerId: a.peerId })
        const protocol = `/interop/pushed/${label}/1.0.0`
        await a.send('handle', { protocol })
        const added = await b.send('waitPeer', { peerId: a.peerId, protocols: [protocol, ECHO_PROTOCOL] })
        assert.ok(added.protocols.includes(protocol))
        await a.send('unhandle', { protocol })
        const removed = await b.send('waitPeer', { peerId: a.peerId, absentProtocols: [protocol], protocols: [ECHO_PROTOCOL] })
        assert.ok(!removed.protocols.includes(protocol))
      })
    }
  })
}
