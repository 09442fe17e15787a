// A minimal Redis client (RESP2 over node:net) for the transport-interop contract: enough for
// PING, DEL, RPUSH and BLPOP. Replies come back in order, so one queue of pending commands suffices.
//
//   const redis = await RespClient.connect('127.0.0.1:6390', { timeoutMs: 10_000 })
//   await redis.command('RPUSH', 'listenerAddr', addr)
//   const [, value] = await redis.command('BLPOP', 'listenerAddr', '60')   // null on timeout
//   redis.close()
import net from 'node:net'

export class RespError extends Error {
  static name = 'RespError'
  name = 'RespError'
}

const CRLF = '\r\n'
const RETRY_DELAY_MS = 100

/** `host:port` (IPv6 as `[::1]:6379`) → { host, port } */
export function parseRedisAddr (addr) {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(addr ?? '')
  if (m == null) throw new RespError(`redis_addr must be host:port, got '${addr}'`)
  return { host: m[1], port: Number(m[2]) }
}

function encode (args) {
  let out = `*${args.length}${CRLF}`
  for (const a of args) {
    const s = String(a)
    out += `$${Buffer.byteLength(s)}${CRLF}${s}${CRLF}`
  }
  return out
}

/**
 * Parses one reply starting at `offset`; returns { value, next } or undefined if the buffer does
 * not hold a whole reply yet. Error replies are returned as RespError values.
 */
function parseReply (buf, offset) {
  const eol = buf.indexOf(CRLF, offset)
  if (eol === -1) return undefined
  const type = String.fromCharCode(buf[offset])
  const line = buf.toString('utf8', offset + 1, eol)
  const next = eol + 2
  switch (type) {
    case '+': return { value: line, next }
    case '-': return { value: new RespError(line), next }
    case ':': return { value: Number(line), next }
    case '$': {
      const len = Number(line)
      if (len < 0) return { value: null, next }
      if (buf.length < next + len + 2) return undefined
      return { value: buf.toString('utf8', next, next + len), next: next + len + 2 }
    }
    case '*': {
      const count = Number(line)
      if (count < 0) return { value: null, next }
      const items = []
      let at = next
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at)
        if (item == null) return undefined
        items.push(item.value)
        at = item.next
      }
      return { value: items, next: at }
    }
    default:
      throw new RespError(`unexpected RESP type byte 0x${buf[offset].toString(16)}`)
  }
}

export class RespClient {
  constructor (socket) {
    this.socket = socket
    this.pending = []
    this.buf = Buffer.alloc(0)
    this.closed = null
    socket.on('data', (chunk) => this.onData(chunk))
    socket.on('error', (err) => this.fail(new RespError(`redis connection error: ${err.message}`)))
    socket.on('close', () => this.fail(new RespError('redis connection closed')))
  }

  /** Connects, retrying every 100 ms (and checking with PING) until timeoutMs has passed */
  static async connect (addr, { timeoutMs = 10_000 } = {}) {
    const { host, port } = parseRedisAddr(addr)
    const deadline = Date.now() + timeoutMs
    let lastError
    while (Date.now() < deadline) {
      try {
        const socket = await new Promise((resolve, reject) => {
          const s = net.connect({ host, port })
          const timer = setTimeout(() => { s.destroy(); reject(new RespError('connect timed out')) }, Math.max(1, deadline - Date.now()))
          s.once('connect', () => { clearTimeout(timer); s.removeAllListeners('error'); resolve(s) })
          s.once('error', (err) => { clearTimeout(timer); reject(err) })
        })
        socket.setNoDelay(true)
        const client = new RespClient(socket)
        await client.command('PING')
        return client
      } catch (err) {
        lastError = err
        await new Promise(resolve => setTimeout(resolve, RETRY_DELAY_MS))
      }
    }
    throw new RespError(`could not reach redis at ${addr} within ${timeoutMs} ms: ${lastError?.message}`)
  }

  onData (chunk) {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    let offset = 0
    while (offset < this.buf.length && this.pending.length > 0) {
      let reply
      try {
        reply = parseReply(this.buf, offset)
      } catch (err) {
        this.fail(err)
        this.socket.destroy()
        return
      }
      if (reply == null) break
      offset = reply.next
      const { resolve, reject } = this.pending.shift()
      if (reply.value instanceof RespError) reject(reply.value)
      else resolve(reply.value)
    }
    this.buf = this.buf.subarray(offset)
  }

  fail (err) {
    this.closed ??= err
    for (const { reject } of this.pending.splice(0)) reject(err)
  }

  /** Sends one command; resolves with its reply (string, number, null or array) */
  command (...args) {
    if (this.closed != null) return Promise.reject(this.closed)
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject })
      this.socket.write(encode(args))
    })
  }

  close () {
    this.closed ??= new RespError('redis client closed')
    this.socket.destroy()
  }
}
