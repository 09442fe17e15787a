// The machine's limit for the throughput rows: the bytes of a perf exchange through a bare TCP
// socket pair on 127.0.0.1, framed and sealed as Noise transport messages are (a 2-byte big-endian
// length, then ChaCha20-Poly1305 ciphertext with its 16-byte tag, at most 65,535 bytes per message,
// the nonce a per-direction counter) with node:crypto, and nothing else: no multistream-select, no
// muxer, no stream API. What libp2p adds on top of this is what the "ours / limit" ratio measures.
//
//   node limit-child.mjs --role server --params '{"hardTimeoutMs":…}'   prints {"type":"ready","port":…}
//   node limit-child.mjs --role client --params '{"port":…,"uploadBytes":…,"downloadBytes":…,"warmupBytes":…}'
//
// One connection per exchange, opened before the clock starts. The client sends a 9-byte request
// (the direction 'U' or 'D' and a uint64 byte count); 'U': the client sends that many plaintext
// bytes and the server answers one sealed byte once it has opened them all; 'D': the server sends
// them. The server prints {"type":"limit-done","cpuUs":…} per exchange; the client prints the result.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { connect, createServer } from 'node:net'
import { emit, errorInfo, parseArgs, superviseChild } from './child-io.mjs'

const TAG_BYTES = 16
const MAX_MESSAGE_BYTES = 65_535
/** plaintext per message: a whole Noise message minus its tag */
const MAX_PLAINTEXT_BYTES = MAX_MESSAGE_BYTES - TAG_BYTES
const PLAINTEXT = Buffer.alloc(MAX_PLAINTEXT_BYTES, 0x5a)
// both ends know the keys (a handshake is not what this row measures); one per direction
const KEY_UP = Buffer.alloc(32, 1)
const KEY_DOWN = Buffer.alloc(32, 2)

const args = parseArgs()
const params = args.params ?? {}

/** Noise's nonce: 4 zero bytes, then the message counter as a little-endian uint64 */
function nonceOf (n) {
  const nonce = Buffer.alloc(12)
  nonce.writeBigUInt64LE(BigInt(n), 4)
  return nonce
}

/** seals plaintext into one length-prefixed message, as a Noise transport message is framed */
function sealer (key) {
  let n = 0
  return (plaintext) => {
    const cipher = createCipheriv('chacha20-poly1305', key, nonceOf(n++), { authTagLength: TAG_BYTES })
    const frame = Buffer.allocUnsafe(2 + plaintext.byteLength + TAG_BYTES)
    frame.writeUInt16BE(plaintext.byteLength + TAG_BYTES, 0)
    cipher.update(plaintext).copy(frame, 2)
    cipher.final()
    cipher.getAuthTag().copy(frame, 2 + plaintext.byteLength)
    return frame
  }
}

/** reads length-prefixed sealed messages from a socket and calls onPlaintext(bytes) per message */
function opener (socket, key, onPlaintext) {
  let n = 0
  let pending = []
  let pendingBytes = 0
  socket.on('data', (chunk) => {
    pending.push(chunk)
    pendingBytes += chunk.byteLength
    if (pendingBytes < 2) return
    let buf = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes)
    let offset = 0
    while (buf.byteLength - offset >= 2) {
      const length = buf.readUInt16BE(offset)
      if (buf.byteLength - offset - 2 < length) break
      const ciphertext = buf.subarray(offset + 2, offset + 2 + length - TAG_BYTES)
      const decipher = createDecipheriv('chacha20-poly1305', key, nonceOf(n++), { authTagLength: TAG_BYTES })
      decipher.setAuthTag(buf.subarray(offset + 2 + length - TAG_BYTES, offset + 2 + length))
      const plaintext = decipher.update(ciphertext)
      decipher.final()
      offset += 2 + length
      onPlaintext(plaintext.byteLength)
    }
    buf = buf.subarray(offset)
    pending = buf.byteLength > 0 ? [buf] : []
    pendingBytes = buf.byteLength
  })
}

/** writes `total` plaintext bytes as sealed messages, waiting for 'drain' when the socket asks */
async function sendSealed (socket, seal, total) {
  let left = total
  while (left > 0) {
    const n = Math.min(left, MAX_PLAINTEXT_BYTES)
    left -= n
    if (!socket.write(seal(n === MAX_PLAINTEXT_BYTES ? PLAINTEXT : PLAINTEXT.subarray(0, n)))) {
      await new Promise((resolve, reject) => {
        const onClose = () => { reject(new Error('socket closed while waiting for drain')) }
        socket.once('drain', () => { socket.off('close', onClose); resolve() })
        socket.once('close', onClose)
      })
    }
  }
}

function serve (socket) {
  socket.setNoDelay(true)
  let request = Buffer.alloc(0)
  const onRequest = (chunk) => {
    request = Buffer.concat([request, chunk])
    if (request.byteLength < 9) return
    socket.off('data', onRequest)
    const direction = String.fromCharCode(request[0])
    const bytes = Number(request.readBigUInt64BE(1))
    const cpu0 = process.cpuUsage()
    const done = () => {
      const cpu = process.cpuUsage(cpu0)
      emit({ type: 'limit-done', direction, bytes, cpuUs: cpu.user + cpu.system })
    }
    if (direction === 'U') {
      let got = 0
      opener(socket, KEY_UP, (n) => {
        got += n
        if (got === bytes) { socket.write(sealer(KEY_DOWN)(PLAINTEXT.subarray(0, 1))); done() }
      })
      // the client may have sent messages in the same chunk as the request
      if (request.byteLength > 9) socket.emit('data', request.subarray(9))
    } else {
      sendSealed(socket, sealer(KEY_DOWN), bytes).then(done, (err) => { emit({ type: 'handler-error', error: errorInfo(err) }) })
    }
  }
  socket.on('data', onRequest)
  socket.on('error', () => {})
}

async function exchange (port, direction, bytes) {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true })
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const request = Buffer.alloc(9)
  request[0] = direction.charCodeAt(0)
  request.writeBigUInt64BE(BigInt(bytes), 1)
  await new Promise((resolve, reject) => {
    let got = 0
    const expected = direction === 'U' ? 1 : bytes
    socket.once('close', () => { reject(new Error(`connection closed after ${got} of ${expected} bytes`)) })
    opener(socket, KEY_DOWN, (n) => {
      got += n
      if (got === expected) resolve()
    })
    socket.write(request)
    if (direction === 'U') sendSealed(socket, sealer(KEY_UP), bytes).catch(reject)
  })
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  socket.destroy()
  return { bytes, ms, cpuUs: cpu.user + cpu.system }
}

superviseChild({ role: `limit ${args.role}`, hardTimeoutMs: params.hardTimeoutMs ?? 300_000 })

try {
  if (args.role === 'server') {
    const server = createServer(serve)
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    emit({ type: 'ready', port: server.address().port, pid: process.pid })
  } else {
    // the keys are fixed: make sure the cipher is there before measuring
    createCipheriv('chacha20-poly1305', randomBytes(32), nonceOf(0), { authTagLength: TAG_BYTES })
    const warm = params.warmupBytes ?? 0
    if (warm > 0) {
      await exchange(params.port, 'U', warm)
      await exchange(params.port, 'D', warm)
    }
    const upload = await exchange(params.port, 'U', params.uploadBytes)
    const download = await exchange(params.port, 'D', params.downloadBytes)
    emit({ type: 'result', warmupExchanges: warm > 0 ? 2 : 0, upload, download })
  }
} catch (err) {
  emit({ type: 'error', role: `limit ${args.role}`, error: errorInfo(err) })
  process.exit(1)
}
