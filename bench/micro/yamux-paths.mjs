/* eslint-disable no-console */
// The receive and send paths of one yamux stream alone, in process, so yamux's own CPU per byte
// can be read without Noise and TCP (which dominate the throughput scenario).
//
//   node bench/micro/yamux-paths.mjs [--paths recv,send] [--mib 128] [--rounds 5] [--chunk 65519] [--frame 65536]
//
// recv: a muxer whose connection delivers pre-encoded data frames of --frame payload bytes, cut
//       into separate Buffers of --chunk bytes (65519: what Noise hands over per message), to one
//       stream read to the end; the stream's window is set large enough that no update is needed.
// send: one stream send()s --frame-sized chunks; the connection takes every write and discards it.
// Prints one JSON line per path and round: CPU ns per byte, and µs of CPU per frame.
import { parseArgs } from 'node:util'
import { messageStreamPair } from '@libp2p/utils'
import { yamux } from '@chainsafe/libp2p-yamux'

const { values: opts } = parseArgs({
  options: {
    paths: { type: 'string', default: 'recv,send' },
    mib: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '5' },
    chunk: { type: 'string', default: '65519' },
    frame: { type: 'string', default: '65536' }
  }
})
const MIB = 1024 * 1024
const TOTAL = Number(opts.mib) * MIB
const CHUNK = Number(opts.chunk)
const FRAME = Number(opts.frame)
const FRAMES = Math.ceil(TOTAL / FRAME)
const WINDOW = 2 ** 32 - 1

function header (type, flags, id, length) {
  const h = Buffer.alloc(12)
  h[1] = type
  h.writeUInt16BE(flags, 2)
  h.writeUInt32BE(id, 4)
  h.writeUInt32BE(length, 8)
  return h
}

/** the connection's bytes for one round: SYN with the large window, the data frames, FIN; as Buffers of CHUNK bytes */
function encodedChunks () {
  const payload = Buffer.alloc(FRAME, 0x5a)
  // chunks are views of one big buffer; like decipher outputs, each is its own Buffer object
  const parts = [header(1, 1, 1, WINDOW - 256 * 1024)]
  for (let i = 0; i < FRAMES; i++) parts.push(header(0, 0, 1, FRAME), payload)
  parts.push(header(1, 4, 1, 0))
  const all = Buffer.concat(parts)
  const chunks = []
  for (let o = 0; o < all.byteLength; o += CHUNK) chunks.push(all.subarray(o, Math.min(o + CHUNK, all.byteLength)))
  return chunks
}

async function measure (fn) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 }
}

function report (path, round, r) {
  console.log(JSON.stringify({
    path,
    round,
    mib: TOTAL / MIB,
    cpuNsPerByte: +(r.cpuMs * 1e6 / TOTAL).toFixed(3),
    cpuUsPerFrame: +(r.cpuMs * 1000 / FRAMES).toFixed(2),
    mbPerS: Math.round(TOTAL / 1e6 / (r.ms / 1000)),
    cpuMs: Math.round(r.cpuMs)
  }))
}

let chunks

const paths = {
  async recv (round) {
    chunks ??= encodedChunks() // once: allocating 128 MiB per round would put its GC into the figures
    const [conn, raw] = messageStreamPair()
    const muxer = yamux({ enableKeepAlive: false, initialStreamWindowSize: WINDOW, maxStreamWindowSize: WINDOW })({}).createStreamMuxer(conn, { direction: 'inbound' })
    const incoming = new Promise(resolve => { muxer.addEventListener('stream', (evt) => { resolve(evt.detail) }, { once: true }) })
    // drain what the muxer writes (the ACK)
    void (async () => { for await (const _ of raw) { /* discard */ } })().catch(() => {})
    report('recv', round, await measure(async () => {
      const feeding = (async () => {
        for (const c of chunks) {
          if (!raw.send(c)) await raw.onDrain()
        }
      })()
      const stream = await incoming
      let n = 0
      while (true) {
        const data = await stream.read()
        if (data == null) break
        n += data.byteLength
      }
      await feeding
      if (n !== FRAMES * FRAME) throw new Error(`received ${n} of ${FRAMES * FRAME}`)
    }))
    muxer.abort(new Error('done'))
  },
  async send (round) {
    const [conn, raw] = messageStreamPair()
    const muxer = yamux({ enableKeepAlive: false })({}).createStreamMuxer(conn, { direction: 'outbound' })
    // the far end grants a window as large as the transfer and discards everything
    raw.send(header(1, 2, 1, WINDOW - 256 * 1024))
    void (async () => { for await (const _ of raw) { /* discard */ } })().catch(() => {})
    const stream = await muxer.createStream()
    while (stream.sendWindow < TOTAL) await new Promise(resolve => setImmediate(resolve))
    const data = new Uint8Array(FRAME).fill(0x5a)
    report('send', round, await measure(async () => {
      for (let i = 0; i < FRAMES; i++) {
        if (!stream.send(data)) await stream.onDrain()
      }
      await stream.closeWrite()
    }))
    muxer.abort(new Error('done'))
  }
}

for (let round = 0; round < Number(opts.rounds); round++) {
  for (const name of opts.paths.split(',')) {
    const fn = paths[name]
    if (fn == null) throw new Error(`unknown path ${name}`)
    await fn(round)
  }
}
process.exit(0)
