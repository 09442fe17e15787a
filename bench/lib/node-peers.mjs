// One client process of `--only node`: `count` peers (lib/node-hop.mjs), each with one connection
// to the relay and one reservation, global indexes first..first+count-1.
//   node node-peers.mjs --params '{"relayAddr","first","count","spacingMs","opTimeoutMs","hardTimeoutMs"}'
// stdin commands (one JSON line each, answered with one line):
//   {"cmd":"reserve","startAt"}  peer g dials at startAt + g * spacingMs (the relay's per-IP inbound rate
//                      limit is shared by every process), then RESERVEs -> {"type":"reserved",...}
//   {"cmd":"circuits","pairs":[{"from":i,"to":peerId}]}  CONNECT from local peer i to each target,
//                      then send without pause -> {"type":"circuits",...}
//   {"cmd":"bytes","tag"}  bytes the local targets received so far -> {"type":"bytes",...}
//   {"cmd":"stop-data"}  stop sending, close the circuits -> {"type":"data-stopped",...}
//   {"cmd":"held"}     peers still connected to the relay, and why the others closed -> {"type":"held",...}
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { emit, errorInfo, parseArgs, superviseChild } from './child-io.mjs'
import { RELAY_V2_STOP_CODEC, connectThrough, countInto, createPeer, reserve, sendUntil, stopHandler } from './node-hop.mjs'

const { params } = parseArgs()
const { relayAddr, first, count, spacingMs, opTimeoutMs, hardTimeoutMs } = params
const relay = multiaddr(relayAddr)
const role = `peers ${first}-${first + count - 1}`
/** extra tries of a dial the relay refused (its per-IP rate limit, a full upgrade queue) */
const DIAL_RETRIES = 3
const peers = []
const received = { bytes: 0 }
const inbound = new Set()
const outbound = []
let sending
const errors = []
const closes = {}
const noteError = (what, err) => { if (errors.length < 50) errors.push({ what, name: err?.name, message: err?.message }) }

superviseChild({
  role,
  hardTimeoutMs,
  async onCommand (cmd) {
    if (cmd.cmd === 'reserve') emit({ type: 'reserved', ...await reserveAll(cmd.startAt) })
    else if (cmd.cmd === 'circuits') emit({ type: 'circuits', ...await openCircuits(cmd.pairs) })
    else if (cmd.cmd === 'bytes') emit({ type: 'bytes', tag: cmd.tag, bytes: received.bytes, inbound: inbound.size, at: performance.now() })
    else if (cmd.cmd === 'stop-data') emit({ type: 'data-stopped', ...await stopData() })
    else if (cmd.cmd === 'held') emit({ type: 'held', held: peers.filter(p => p.node.getConnections(p.relayId).length > 0).length, closes })
    else throw new TypeError(`unknown command ${cmd.cmd}`)
  },
  async onEnd () {
    sending?.abort()
    await Promise.allSettled(peers.map(p => p.node.stop()))
  }
})

const wait = (ms) => new Promise(resolve => setTimeout(resolve, Math.max(0, ms)))

async function reserveOne (peer, g, startAt) {
  await wait(startAt + g * spacingMs - Date.now())
  let dialMs
  let retries = 0
  for (;;) {
    const t0 = performance.now()
    try {
      peer.connection = await peer.node.dial(relay, { signal: AbortSignal.timeout(opTimeoutMs) })
      dialMs = performance.now() - t0
      break
    } catch (err) {
      if (retries >= DIAL_RETRIES) throw err
      retries++
      noteError('dial (retried)', err)
      // the rate limit counts one-second windows: the next window is free again
      await wait(1000 + spacingMs)
    }
  }
  peer.relayId = peer.connection.remotePeer
  // why relay connections ended before the benchmark closed them: which side, which error
  peer.connection.addEventListener('close', (evt) => {
    const key = `${evt.local === true ? 'local' : evt.local === false ? 'remote' : '?'} ${evt.error?.name ?? 'clean'}: ${(evt.error?.message ?? '').slice(0, 80)}`
    closes[key] = (closes[key] ?? 0) + 1
  })
  const reserveMs = await reserve(peer.connection, AbortSignal.timeout(opTimeoutMs))
  return { dialMs, reserveMs, retries }
}

async function reserveAll (startAt) {
  const runs = await Promise.allSettled(peers.map((p, i) => reserveOne(p, first + i, startAt)))
  const ok = runs.filter(r => r.status === 'fulfilled').map(r => r.value)
  runs.filter(r => r.status === 'rejected').forEach(r => noteError('reserve', r.reason))
  return {
    peerIds: peers.map(p => p.node.peerId.toString()),
    reserveMs: ok.map(r => r.reserveMs),
    dialMs: ok.map(r => r.dialMs),
    retries: ok.reduce((n, r) => n + r.retries, 0),
    failed: runs.length - ok.length,
    errors
  }
}

async function openCircuits (pairs) {
  sending = new AbortController()
  const openMs = []
  let failed = 0
  await Promise.all(pairs.map(async ({ from, to }) => {
    const peer = peers[from]
    const t0 = performance.now()
    try {
      const stream = await connectThrough(peer.connection, peerIdFromString(to), AbortSignal.timeout(opTimeoutMs))
      openMs.push(performance.now() - t0)
      const run = { stream, sent: 0 }
      outbound.push(run)
      run.done = sendUntil(stream, sending.signal).then(n => { run.sent = n }, err => { run.error = err; noteError('send', err) })
    } catch (err) {
      failed++
      noteError('connect', err)
    }
  }))
  return { opened: openMs.length, failed, openMs, errors }
}

async function stopData () {
  sending?.abort()
  await Promise.all(outbound.map(r => r.done))
  const sendErrors = outbound.filter(r => r.error != null).length
  for (const r of outbound) r.stream.abort(new Error('the benchmark stopped sending'))
  return { sent: outbound.reduce((n, r) => n + r.sent, 0), sendErrors, errors }
}

try {
  for (let i = 0; i < count; i++) {
    const node = await createPeer()
    await node.handle(RELAY_V2_STOP_CODEC, stopHandler((stream) => {
      inbound.add(stream)
      countInto(stream, received).catch(() => {}).finally(() => inbound.delete(stream))
    }, (err) => noteError('stop', err), opTimeoutMs))
    peers.push({ node })
  }
  emit({ type: 'ready', peers: count, pid: process.pid })
} catch (err) {
  emit({ type: 'error', role, error: errorInfo(err) })
  process.exit(1)
}
