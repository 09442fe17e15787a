/* eslint-disable no-console */
// Noise's transport path alone, in process: no streams, no sockets, so the cost of cutting the
// byte stream into messages and of each crypto call can be read apart from GC-heavy neighbours.
//
//   node bench/micro/noise-paths.mjs [--paths open,seal] [--mib 64] [--rounds 5] [--read 65536]
//
// open: 65537-byte wire messages (64 KiB plaintext, as bulk data gives) laid end to end and cut
//       into --read-byte chunks (65536: a loopback socket's read), pushed through the frame decoder
//       and decrypted, as NoiseConnection's read loop does.
// seal: what yamux hands Noise in a bulk transfer: each 65519-byte message in three parts (the
//       tail of one 64 KiB data frame, the next frame's 12-byte header, the start of its data).
// Prints one JSON line per path and round: CPU ns per byte, µs per message, cipher calls per
// message (node:crypto Cipheriv/Decipheriv method calls, counted by wrapping the prototype).
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { parseArgs } from 'node:util'
import { Uint8ArrayList } from 'uint8arraylist'
import { CipherState } from '../../packages/connection-encrypter-noise/dist/src/cipher-state.js'
import { crypto } from '../../packages/connection-encrypter-noise/dist/src/crypto/index.js'
import { FrameDecoder } from '../../packages/connection-encrypter-noise/dist/src/frame-decoder.js'

const { values: opts } = parseArgs({
  options: {
    paths: { type: 'string', default: 'open,seal' },
    mib: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '5' },
    read: { type: 'string', default: '65536' }
  }
})
const MIB = 1024 * 1024
const TOTAL = Number(opts.mib) * MIB
const READ = Number(opts.read)
const PLAIN = 65519
const MESSAGES = Math.ceil(TOTAL / PLAIN)
const KEY = new Uint8Array(32).fill(7)

// count cipher method calls
let calls = 0
for (const proto of [Object.getPrototypeOf(createCipheriv('chacha20-poly1305', KEY, new Uint8Array(12), { authTagLength: 16 })),
  Object.getPrototypeOf(createDecipheriv('chacha20-poly1305', KEY, new Uint8Array(12), { authTagLength: 16 }))]) {
  for (const m of ['update', 'final', 'setAuthTag', 'getAuthTag', 'setAAD']) {
    let own = proto
    while (own != null && !Object.prototype.hasOwnProperty.call(own, m)) own = Object.getPrototypeOf(own)
    if (own == null || own[m].__counted === true) continue
    const orig = own[m]
    const wrapped = function (...args) { calls++; return orig.apply(this, args) }
    wrapped.__counted = true
    own[m] = wrapped
  }
}

function wireChunks () {
  const send = new CipherState(crypto, KEY)
  const plain = new Uint8Array(PLAIN).fill(1)
  const frames = []
  for (let i = 0; i < MESSAGES; i++) frames.push(new Uint8ArrayList(send.encryptFrame(plain)).subarray())
  const wire = Buffer.concat(frames)
  const chunks = []
  for (let at = 0; at < wire.byteLength; at += READ) chunks.push(wire.subarray(at, Math.min(at + READ, wire.byteLength)))
  return chunks
}

function measure (path, round, fn) {
  calls = 0
  const cpu0 = process.cpuUsage()
  const bytes = fn()
  const cpu = process.cpuUsage(cpu0)
  const ns = (cpu.user + cpu.system) * 1000
  console.log(JSON.stringify({ path, round, mib: Number(opts.mib), cpuNsPerByte: +(ns / bytes).toFixed(3), usPerMessage: +(ns / 1000 / MESSAGES).toFixed(2), callsPerMessage: +(calls / MESSAGES).toFixed(2) }))
}

const chunks = opts.paths.includes('open') ? wireChunks() : []
const parts = []
if (opts.paths.includes('seal')) {
  const tail = new Uint8Array(65536 - 17 * 0).fill(2)
  const header = new Uint8Array(12).fill(3)
  // a message = the last `a` bytes of a data frame, a header, the first PLAIN - a - 12 bytes of the next
  for (let i = 0; i < 16; i++) {
    const a = 100 + i * 2000
    parts.push(new Uint8ArrayList(tail.subarray(0, a), header, tail.subarray(0, PLAIN - a - 12)))
  }
}

for (let round = 0; round < Number(opts.rounds); round++) {
  for (const path of opts.paths.split(',')) {
    if (path === 'open') {
      measure('open', round, () => {
        const receive = new CipherState(crypto, KEY)
        const decoder = new FrameDecoder()
        let bytes = 0
        for (const chunk of chunks) {
          decoder.push(chunk)
          for (let frame = decoder.next(); frame != null; frame = decoder.next()) bytes += receive.decryptFrame(frame).byteLength
        }
        return bytes
      })
    } else if (path === 'seal') {
      measure('seal', round, () => {
        const send = new CipherState(crypto, KEY)
        let bytes = 0
        for (let i = 0; i < MESSAGES; i++) bytes += send.encryptFrame(parts[i % parts.length]).byteLength
        return bytes
      })
    }
  }
}
