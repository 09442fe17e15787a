// Client peers of bench/micro/relay-memory.mjs, one process holding `count` peers (lib/node-hop.mjs's
// createPeer: TCP, Noise, Yamux, identify, ping), each with one connection to the relay and, unless
// `reserve` is false, one reservation on it.
//   node relay-memory-peers.mjs --params '{"relayAddr","count","reserve","concurrency","spacingMs","opTimeoutMs","hardTimeoutMs"}'
// stdin: {"cmd":"go","count"} dials the next `count` peers (all when unset; at most `concurrency`
// at a time, starting one every `spacingMs` at most: a relay's per-IP inbound rate limit) and reserves -> {"type":"done","ok","failed","retries","errors"}.
// EOF on stdin stops the peers.
import { multiaddr } from '@multiformats/multiaddr'
import { emit, errorInfo, parseArgs, superviseChild } from '../lib/child-io.mjs'
import { createPeer, reserve } from '../lib/node-hop.mjs'

const { params } = parseArgs()
const { relayAddr, count, concurrency, spacingMs = 0, opTimeoutMs, hardTimeoutMs } = params
/** extra tries of a dial the relay refused (its per-IP rate limit) */
const DIAL_RETRIES = 3
const relay = multiaddr(relayAddr)
const peers = []
const errors = []

superviseChild({
  role: 'relay-memory peers',
  hardTimeoutMs,
  async onCommand (cmd) {
    if (cmd.cmd !== 'go') throw new TypeError(`unknown command ${cmd.cmd}`)
    emit({ type: 'done', ...await connectAll(cmd.count ?? peers.length) })
  },
  async onEnd () {
    await Promise.allSettled(peers.map(p => p.stop()))
  }
})

const wait = (ms) => new Promise(resolve => setTimeout(resolve, Math.max(0, ms)))
let retries = 0
let nextDialAt = 0

async function connectOne (peer) {
  let connection
  for (let tries = 0; connection == null; tries++) {
    const at = Math.max(nextDialAt, Date.now())
    nextDialAt = at + spacingMs
    await wait(at - Date.now())
    try {
      connection = await peer.dial(relay, { signal: AbortSignal.timeout(opTimeoutMs) })
    } catch (err) {
      if (tries >= DIAL_RETRIES) throw err
      retries++
      // the rate limit counts one-second windows: the next window is free again
      await wait(1000)
    }
  }
  if (params.reserve !== false) await reserve(connection, AbortSignal.timeout(opTimeoutMs))
}

let next = 0

async function connectAll (count) {
  const end = Math.min(peers.length, next + count)
  const first = next
  let ok = 0
  const worker = async () => {
    while (next < end) {
      const peer = peers[next++]
      try {
        await connectOne(peer)
        ok++
      } catch (err) {
        if (errors.length < 20) errors.push(`${err.name}: ${err.message}`)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { ok, failed: end - first - ok, retries, errors }
}

try {
  for (let i = 0; i < count; i++) peers.push(await createPeer())
  emit({ type: 'ready', pid: process.pid })
} catch (err) {
  emit({ type: 'error', role: 'relay-memory peers', error: errorInfo(err) })
  process.exit(1)
}
