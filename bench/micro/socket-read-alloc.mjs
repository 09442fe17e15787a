/* eslint-disable no-console */
// What a Buffer per socket read costs a receiver, without libp2p (issue 15): a child process sends
// Noise-framed ChaCha20-Poly1305 messages (65,535 bytes) over loopback TCP; this process opens them
// as Noise does: copies each message into one reused buffer, then decrypts it with node:crypto.
//   --mode data    socket 'data' events: Node allocates a new buffer for every read (what @libp2p/tcp does)
//   --mode onread  net's `onread` option: every read lands in one reused 64 KiB buffer
// Both copy every byte once, so the difference is the allocation of the read buffers alone. Prints
// CPU ns/byte of this process and its collections by kind (1 minor, 4 major, 8 incremental).
//
//   node bench/micro/socket-read-alloc.mjs [--mode data|onread] [--mib 256]
import { fork } from 'node:child_process'
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { connect, createServer } from 'node:net'
import { PerformanceObserver } from 'node:perf_hooks'
import { parseArgs } from 'node:util'

const { values: opts } = parseArgs({
  options: {
    mode: { type: 'string', default: 'data' },
    mib: { type: 'string', default: '256' },
    child: { type: 'boolean', default: false }
  }
})
const KEY = Buffer.alloc(32, 1)
const PLAINTEXT = Buffer.alloc(65519, 3)
const MESSAGES = Math.ceil(Number(opts.mib) * 1024 * 1024 / PLAINTEXT.byteLength)
const nonce = Buffer.alloc(12)

if (opts.child) {
  // the sender: listens, seals MESSAGES messages into the first connection, ends it
  const server = createServer((socket) => {
    let n = 0
    const write = () => {
      while (n < MESSAGES) {
        nonce.writeUInt32LE(n++, 4)
        const cipher = createCipheriv('chacha20-poly1305', KEY, nonce, { authTagLength: 16 })
        const frame = Buffer.allocUnsafe(2 + 65535)
        frame.writeUInt16BE(65535, 0)
        cipher.update(PLAINTEXT).copy(frame, 2)
        cipher.final()
        cipher.getAuthTag().copy(frame, 2 + PLAINTEXT.byteLength)
        if (!socket.write(frame)) { socket.once('drain', write); return }
      }
      socket.end()
    }
    write()
  })
  server.listen(0, '127.0.0.1', () => { process.send(server.address().port) })
  process.on('disconnect', () => process.exit(0))
} else {
  const kinds = {}
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) { kinds[e.detail?.kind] = (kinds[e.detail?.kind] ?? 0) + 1 }
  }).observe({ entryTypes: ['gc'] })
  const message = Buffer.alloc(2 + 65535)
  let have = 0
  let n = 0
  let opened = 0
  const onBytes = (bytes) => {
    for (let offset = 0; offset < bytes.byteLength;) {
      const want = have < 2 ? 2 : 2 + message.readUInt16BE(0)
      const take = Math.min(bytes.byteLength - offset, want - have)
      bytes.copy(message, have, offset, offset + take)
      have += take
      offset += take
      if (have >= 2 && have === 2 + message.readUInt16BE(0)) {
        const end = have - 16
        nonce.writeUInt32LE(n++, 4)
        const decipher = createDecipheriv('chacha20-poly1305', KEY, nonce, { authTagLength: 16 })
        decipher.setAuthTag(message.subarray(end, have))
        opened += decipher.update(message.subarray(2, end)).byteLength
        decipher.final()
        have = 0
      }
    }
  }
  const child = fork(new URL(import.meta.url).pathname, ['--child', '--mib', opts.mib], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const deadline = setTimeout(() => { console.error('socket-read-alloc: not done within 300 s'); child.kill(); process.exit(1) }, 300_000)
  child.once('message', (port) => {
    const cpu0 = process.cpuUsage()
    const onread = opts.mode === 'onread'
      ? { buffer: Buffer.alloc(65536), callback: (nread, buf) => { onBytes(buf.subarray(0, nread)) } }
      : undefined
    const socket = connect({ port, host: '127.0.0.1', onread })
    if (onread == null) { socket.on('data', onBytes) }
    socket.on('end', () => {
      const cpu = process.cpuUsage(cpu0)
      clearTimeout(deadline)
      console.log(JSON.stringify({ mode: opts.mode, mib: Math.round(opened / 1048576), cpuNsPerByte: +((cpu.user + cpu.system) * 1000 / opened).toFixed(3), gcKinds: kinds }))
      child.kill()
      process.exit(0)
    })
  })
}
