// One churn process of `--only node-soak`: `workers` loops, each taking its turns on one global
// schedule (a turn every spacingMs across all processes, so the relay's per-IP inbound rate limit
// is never what fails). A turn: two fresh peers connect to the relay and reserve, one opens a
// circuit to the other and echoes echoBytes through it, one sends a DHT FIND_NODE to the relay,
// both stop. Every step has a deadline; every failure is counted by step and error name.
//   node node-churn.mjs --params '{"relayAddr","slot0","slots","workers","startAt","endAt","spacingMs","echoBytes","opTimeoutMs","hardTimeoutMs"}'
// stdout: {"type":"progress",...} every 10 s, {"type":"result",...} after endAt.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { HandshakeStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { emit, errorInfo, parseArgs, superviseChild } from './child-io.mjs'
import { CHUNK_BYTES, FILL, RELAY_V2_STOP_CODEC, connectThrough, createPeer, reserve, stopHandler } from './node-hop.mjs'
import { REPO_DIR } from './stacks.mjs'

const { params } = parseArgs()
const { relayAddr, slot0, slots, workers, startAt, endAt, spacingMs, echoBytes, opTimeoutMs, hardTimeoutMs } = params
const role = `churn ${slot0}`
const relay = multiaddr(relayAddr)
const KAD_PROTOCOL = '/ipfs/kad/1.0.0'
const { Message } = await import(pathToFileURL(join(REPO_DIR, 'packages', 'kad-dht', 'dist', 'src', 'message', 'dht.js')).href)

const totals = { turns: 0, ok: 0, failed: 0, byStep: {}, stepMs: { connect: 0, reserve: 0, circuit: 0, dht: 0, stop: 0 } }
const recent = []
const live = new Set()

superviseChild({
  role,
  hardTimeoutMs,
  async onEnd () {
    await Promise.allSettled([...live].map(n => n.stop()))
  }
})

const wait = (ms) => new Promise(resolve => setTimeout(resolve, Math.max(0, ms)))

class StepError extends Error {
  static name = 'StepError'
  name = 'StepError'
  constructor (step, cause) {
    super(`${step}: ${cause?.name}: ${cause?.message}`)
    this.step = step
    this.cause = cause
  }
}

async function step (name, fn) {
  const t0 = performance.now()
  try {
    return await fn(AbortSignal.timeout(opTimeoutMs))
  } catch (err) {
    throw new StepError(name, err)
  } finally {
    totals.stepMs[name] += performance.now() - t0
  }
}

/** echoes every chunk back, closes at the remote's EOF */
async function echo (stream) {
  try {
    for await (const chunk of stream) if (!stream.send(chunk)) await stream.onDrain({ signal: AbortSignal.timeout(opTimeoutMs) })
    await stream.close({ signal: AbortSignal.timeout(opTimeoutMs) })
  } catch (err) {
    stream.abort(err)
  }
}

async function turn () {
  const a = await createPeer()
  const b = await createPeer()
  live.add(a).add(b)
  try {
    await b.handle(RELAY_V2_STOP_CODEC, stopHandler(echo, () => {}, opTimeoutMs))
    // settled, not Promise.all: a stop() while the other dial is still in flight is not what this measures
    const [ca, cb] = await step('connect', async signal => {
      const dials = await Promise.allSettled([a.dial(relay, { signal }), b.dial(relay, { signal })])
      const failed = dials.find(d => d.status === 'rejected')
      if (failed != null) throw failed.reason
      return dials.map(d => d.value)
    })
    await step('reserve', signal => Promise.all([reserve(ca, signal), reserve(cb, signal)]))
    await step('circuit', async signal => {
      const stream = await connectThrough(ca, b.peerId, signal)
      let sent = 0
      while (sent < echoBytes) {
        const n = Math.min(CHUNK_BYTES, echoBytes - sent)
        sent += n
        if (!stream.send(FILL.subarray(0, n))) await stream.onDrain({ signal })
      }
      await stream.close({ signal })
      let back = 0
      for await (const chunk of stream) back += chunk.byteLength
      if (back !== echoBytes) throw new Error(`${back} of ${echoBytes} bytes echoed`)
    })
    await step('dht', async signal => {
      const stream = await ca.newStream(KAD_PROTOCOL, { signal })
      const bytes = new HandshakeStream(stream)
      await bytes.writePB({ type: Message.MessageType.FIND_NODE, key: randomBytes(32), clusterLevelRaw: 0, closerPeers: [], providerPeers: [] }, Message, { signal })
      const answer = await bytes.readPB(Message, { signal })
      if (answer.type !== Message.MessageType.FIND_NODE) throw new Error(`FIND_NODE answered with ${answer.type}`)
      await bytes.unwrap().close({ signal })
    })
  } finally {
    await step('stop', () => Promise.all([a.stop(), b.stop()]))
    live.delete(a)
    live.delete(b)
  }
}

async function worker (w) {
  let slot = slot0 + w
  for (;;) {
    // the next turn of this worker's that is not already past
    while (startAt + slot * spacingMs < Date.now()) slot += slots
    const at = startAt + slot * spacingMs
    if (at >= endAt) return
    await wait(at - Date.now())
    totals.turns++
    try {
      await turn()
      totals.ok++
    } catch (err) {
      totals.failed++
      const key = `${err.step ?? 'setup'}: ${err.cause?.name ?? err.name}`
      totals.byStep[key] = (totals.byStep[key] ?? 0) + 1
      if (recent.length < 20) recent.push({ at: new Date().toISOString(), error: errorInfo(err) })
    }
    slot += slots
  }
}

const ticker = setInterval(() => emit({ type: 'progress', ...totals }), 10_000)
await Promise.all([...Array(workers).keys()].map(worker))
clearInterval(ticker)
emit({ type: 'result', ...totals, recent })
