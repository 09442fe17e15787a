/**
 * Node-only helpers for the hostile-input tests: raw `node:net` sockets that misbehave on
 * purpose, a real Noise initiator/responder built on them, hand-made yamux frames, bounded waits
 * and a heap probe. Imported by *.node.ts files only.
 */
import { createConnection, createServer } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TimeoutError } from '@libp2p/interface'
import { handle, select } from '@libp2p/multistream-select'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { AbstractMessageStream, disabledLogger } from '@libp2p/utils'
import type { Libp2p } from '../src/libp2p.js'
import type { Connection, MessageStream, PeerId, PrivateKey, StreamMuxerFactory } from '@libp2p/interface'
import type { SendResult } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { AddressInfo, Server, Socket } from 'node:net'

/** every wait in these tests gives up after this long */
export const WAIT_MS = 5_000

/** resolve with `promise`, or reject with TimeoutError after `ms` */
export async function within<T> (promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new TimeoutError(`${what}: not within ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** host and port of a node's first TCP listen address */
export function tcpAddress (ma: Multiaddr): { host: string, port: number } {
  const parts = ma.getComponents()
  const host = parts.find(c => c.name === 'ip4')?.value
  const port = parts.find(c => c.name === 'tcp')?.value
  if (host == null || port == null) { throw new TypeError(`${ma.toString()} is not a TCP address`) }
  return { host, port: Number(port) }
}

/** a connected raw socket and a promise for its close */
export interface RawSocket {
  socket: Socket
  /** resolves when the node hangs up: its FIN or RST arrived (the socket may still be half open here) */
  closed: Promise<void>
  /** everything the node sent, in arrival order */
  received: Uint8Array[]
}

/** connect a raw socket, optionally from another loopback address (127.0.0.x) */
export async function rawConnect (addr: { host: string, port: number }, localAddress?: string): Promise<RawSocket> {
  const socket = createConnection({ host: addr.host, port: addr.port, localAddress, allowHalfOpen: true })
  const received: Uint8Array[] = []
  socket.on('data', (buf: Buffer) => { received.push(new Uint8Array(buf)) })
  socket.on('error', () => {}) // ECONNRESET is what a refused socket is expected to see
  const closed = new Promise<void>(resolve => {
    socket.once('end', () => { resolve() })
    socket.once('close', () => { resolve() })
  })
  // a socket the node refuses at once may be reset before its 'connect' event runs (both ends
  // share this event loop): that counts as connected and closed
  await within(Promise.race([
    new Promise<void>(resolve => { socket.once('connect', resolve) }),
    closed
  ]), 'raw connect')
  return { socket, closed, received }
}

let nextId = 0

/** A MessageStream over a raw socket, so a real multistream-select and Noise can run on it */
export class SocketStream extends AbstractMessageStream {
  readonly socket: Socket

  constructor (socket: Socket, direction: 'inbound' | 'outbound') {
    super({ id: `adversary-${nextId++}`, direction, log: disabledLogger() })
    this.socket = socket
    socket.on('data', (buf: Buffer) => { this.onData(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)) })
    socket.on('end', () => { this.onRemoteCloseWrite() })
    socket.on('drain', () => { this.onTransportDrain() })
    socket.on('error', (err) => { this.onTransportClosed(err) })
    socket.on('close', () => { this.onTransportClosed() })
  }

  protected sendData (data: { byteLength: number, subarray(): Uint8Array }): SendResult {
    return { sentBytes: data.byteLength, canSendMore: this.socket.write(data.subarray()) }
  }

  protected sendCloseWrite (): void {
    this.socket.end()
  }

  protected sendCloseRead (): void {}

  protected sendReset (): void {
    this.socket.destroy()
  }
}

/** a stand-in for a muxer factory: lists yamux in the Noise extensions so the node picks it inline */
export const YAMUX_LISTED: StreamMuxerFactory = {
  protocol: '/yamux/1.0.0',
  createStreamMuxer: () => { throw new TypeError('the adversary drives yamux by hand') }
}

export interface NoiseSession {
  raw: RawSocket
  /** the encrypted connection: what is sent here arrives at the node decrypted */
  secure: MessageStream
  /** the node, as Noise proved it */
  remotePeer: PeerId
  /** the identity the adversary proved */
  localPeer: PeerId
}

export interface NoiseAdversaryOptions {
  /** the identity the adversary proves (default: a fresh Ed25519 key) */
  privateKey?: PrivateKey
  /** list yamux in the handshake so the node starts yamux without multistream-select (default true) */
  inlineYamux?: boolean
  localAddress?: string
}

/** dial the node with a real Noise initiator over a raw socket */
export async function noiseInitiator (addr: { host: string, port: number }, remotePeer: PeerId, options: NoiseAdversaryOptions = {}): Promise<NoiseSession> {
  const raw = await rawConnect(addr, options.localAddress)
  const privateKey = options.privateKey ?? await generateKeyPair('Ed25519')
  const stream = new SocketStream(raw.socket, 'outbound')
  const signal = AbortSignal.timeout(WAIT_MS)
  const negotiated = await select(stream, ['/noise'], { signal, negotiateFully: true })
  const secured = await noise()({ privateKey }).secureOutbound(negotiated, {
    remotePeer,
    signal,
    streamMuxers: options.inlineYamux === false ? [] : [YAMUX_LISTED]
  })
  return { raw, secure: secured.connection, remotePeer: secured.remotePeer, localPeer: peerIdFromPrivateKey(privateKey) }
}

/** a TCP server that runs `onSocket` for each accepted socket; close() destroys what is open */
export interface RawServer {
  port: number
  server: Server
  sockets: Set<Socket>
  close(): Promise<void>
}

export async function rawServer (onSocket: (socket: Socket) => void): Promise<RawServer> {
  const sockets = new Set<Socket>()
  // not half-open: when the node hangs up (FIN or RST) the socket closes, and leaves `sockets`
  const server = createServer({ allowHalfOpen: false }, (socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.once('close', () => { sockets.delete(socket) })
    onSocket(socket)
  })
  await new Promise<void>(resolve => { server.listen(0, '127.0.0.1', resolve) })
  return {
    port: (server.address() as AddressInfo).port,
    server,
    sockets,
    close: async () => {
      for (const s of sockets) { s.destroy() }
      await new Promise<void>(resolve => { server.close(() => { resolve() }) })
    }
  }
}

/** answer multistream-select for /noise and run a Noise responder with `privateKey` (which may sign badly) */
export function noiseResponder (privateKey: PrivateKey): (socket: Socket) => void {
  return (socket) => {
    const stream = new SocketStream(socket, 'inbound')
    const signal = AbortSignal.timeout(WAIT_MS)
    void handle(stream, ['/noise'], { signal })
      .then(async negotiated => noise()({ privateKey }).secureInbound(negotiated, { signal }))
      .catch(() => { socket.destroy() })
  }
}

/** `key`, except that its signatures are garbage: the Noise payload it signs does not verify */
export function badSigner (key: PrivateKey): PrivateKey {
  return new Proxy(key, {
    get (target, prop, receiver) {
      if (prop === 'sign') {
        return async (data: Uint8Array) => {
          const sig = await target.sign(data)
          const bad = Uint8Array.from(sig)
          bad[0] ^= 0xff
          return bad
        }
      }
      const value = Reflect.get(target, prop, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}

// ---- yamux frames --------------------------------------------------------------------------

export const YAMUX = { DATA: 0, WINDOW_UPDATE: 1, PING: 2, GO_AWAY: 3, SYN: 1, ACK: 2, FIN: 4, RST: 8 } as const

/** one yamux frame: the 12-byte header (big endian) and the payload */
export function yamuxFrame (type: number, flags: number, streamId: number, length: number, payload = new Uint8Array(0), version = 0): Uint8Array {
  const out = new Uint8Array(12 + payload.byteLength)
  const view = new DataView(out.buffer)
  out[0] = version
  out[1] = type
  view.setUint16(2, flags)
  view.setUint32(4, streamId)
  view.setUint32(8, length)
  out.set(payload, 12)
  return out
}

export interface YamuxHeader { type: number, flags: number, streamId: number, length: number }

/**
 * Read decrypted yamux frames from the node until `match` returns true for one (its header is
 * returned) or the connection ends (undefined).
 */
export async function readYamuxUntil (secure: MessageStream, match: (h: YamuxHeader) => boolean, onHeader?: (h: YamuxHeader) => void): Promise<YamuxHeader | undefined> {
  let buffer = new Uint8Array(0)
  while (true) {
    let offset = 0
    while (buffer.byteLength - offset >= 12) {
      const view = new DataView(buffer.buffer, buffer.byteOffset + offset)
      const h = { type: view.getUint8(1), flags: view.getUint16(2), streamId: view.getUint32(4), length: view.getUint32(8) }
      const size = 12 + (h.type === YAMUX.DATA ? h.length : 0)
      if (buffer.byteLength - offset < size) { break }
      offset += size
      onHeader?.(h)
      if (match(h)) { return h }
    }
    buffer = buffer.subarray(offset)
    let chunk
    try {
      chunk = await secure.read()
    } catch {
      return undefined
    }
    if (chunk == null) { return undefined }
    const next = new Uint8Array(buffer.byteLength + chunk.byteLength)
    next.set(buffer)
    next.set(chunk.subarray(), buffer.byteLength)
    buffer = next
  }
}

// ---- observing the node --------------------------------------------------------------------

/** every connection the node opens, with the error it closed with, if any */
export interface ConnectionLog {
  opened: Connection[]
  /** resolves with the error (undefined for a clean close) once `connection` closes */
  closedWith(connection: Connection): Promise<Error | undefined>
  /** the first connection with `peer` (waiting for it if there is none yet) */
  connectionOf(peer: PeerId): Promise<Connection>
}

export function watchConnections (node: Libp2p): ConnectionLog {
  const opened: Connection[] = []
  const closes = new Map<Connection, Promise<Error | undefined>>()
  const waiting: Array<{ peer: PeerId, resolve(c: Connection): void }> = []
  node.addEventListener('connection:open', (evt) => {
    const c = evt.detail
    opened.push(c)
    closes.set(c, new Promise(resolve => {
      c.addEventListener('close', (e) => { resolve(e.detail.error) }, { once: true })
    }))
    for (const w of [...waiting]) {
      if (w.peer.equals(c.remotePeer)) {
        waiting.splice(waiting.indexOf(w), 1)
        w.resolve(c)
      }
    }
  })
  return {
    opened,
    closedWith: async (c) => {
      const p = closes.get(c)
      if (p == null) { throw new TypeError('connection not seen') }
      return p
    },
    connectionOf: async (peer) => {
      const seen = opened.find(c => peer.equals(c.remotePeer))
      if (seen != null) { return seen }
      return new Promise(resolve => { waiting.push({ peer, resolve }) })
    }
  }
}

/** sockets the node's TCP listeners hold open, upgrading or upgraded */
export function openSockets (node: Libp2p): number {
  let n = 0
  for (const listener of node.components.transportManager.getListeners()) {
    n += (listener as unknown as { connectionCount: number }).connectionCount
  }
  return n
}

/** errors of inbound upgrades that failed, as the TCP listener reports them */
export function watchListenerErrors (node: Libp2p): { errors: Error[], next(): Promise<Error> } {
  const errors: Error[] = []
  const waiters: Array<(err: Error) => void> = []
  const onError = (evt: CustomEvent<Error>): void => {
    errors.push(evt.detail)
    for (const resolve of waiters.splice(0)) { resolve(evt.detail) }
  }
  for (const listener of node.components.transportManager.getListeners()) {
    listener.addEventListener('error', onError)
  }
  return {
    errors,
    next: async () => new Promise<Error>(resolve => { waiters.push(resolve) })
  }
}

// ---- memory --------------------------------------------------------------------------------

let gcFn: (() => void) | undefined | null = null

/** a full garbage collection, if the runtime lets us trigger one */
export function collectGarbage (): boolean {
  if (gcFn === null) {
    gcFn = typeof (globalThis as any).gc === 'function' ? (globalThis as any).gc : undefined
    if (gcFn == null) {
      try {
        setFlagsFromString('--expose_gc')
        gcFn = runInNewContext('gc')
      } catch {
        gcFn = undefined
      }
    }
  }
  gcFn?.()
  return gcFn != null
}

/** heap in use after a collection (when possible) */
export function heapUsed (): number {
  collectGarbage()
  return process.memoryUsage().heapUsed
}

/** the most the heap may grow across the rounds of an attack: tight with a collector, generous without */
export function heapGrowthBound (): number {
  return collectGarbage() ? 4 * 1024 * 1024 : 128 * 1024 * 1024
}
