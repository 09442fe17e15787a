import { TimeoutError } from '@libp2p/interface'
import { AbstractMessageStream } from '@libp2p/utils'
import { WRITE_COPY_MAX_AVERAGE_CHUNK_BYTES } from './constants.js'
import type { TCPSocketSettings } from './transport.js'
import type { AbortOptions, Direction, Logger, MultiaddrConnection } from '@libp2p/interface'
import type { MessageStreamInit, SendResult } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Socket } from 'node:net'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface TCPConnectionInit extends Omit<MessageStreamInit, 'id' | 'direction' | 'log'> {
  socket: Socket
  direction: Direction
  remoteAddr: Multiaddr
  log: Logger
  /** abort the connection with TimeoutError after this many ms without reads or writes; 0 disables */
  inactivityTimeout: number
  /** TCP_NODELAY and keep-alive of this socket */
  socketOptions: TCPSocketSettings
}

/** errors that mean the remote reset the connection */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE'])

let nextId = 0

// The socket's listeners are shared functions that find their connection through the socket:
// six closures per connection (and the scope they keep) are ~450 bytes an idle connection need
// not hold. Node calls an EventEmitter's listeners with `this` set to the emitter.
const kConnection = Symbol('TCPConnection')
type OwnedSocket = Socket & { [kConnection]?: TCPConnection }

function onSocketData (this: OwnedSocket, buf: Buffer): void {
  // a plain Uint8Array view (no copy), so consumers never see Buffer's differing semantics
  this[kConnection]?.onData(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength))
}

function onSocketEnd (this: OwnedSocket): void {
  this[kConnection]?.onRemoteCloseWrite()
}

function onSocketDrain (this: OwnedSocket): void {
  this[kConnection]?.onTransportDrain()
}

function onSocketError (this: OwnedSocket, err: NodeJS.ErrnoException): void {
  const conn = this[kConnection]
  if (conn == null) { return }
  if (conn.log.enabled) { conn.log('%s socket error %s', conn.id, err.code ?? err.message) }
  if (err.code != null && RESET_CODES.has(err.code)) {
    conn.onRemoteReset()
  } else {
    conn.onTransportClosed(err)
  }
}

function onSocketClose (this: OwnedSocket): void {
  this[kConnection]?.onTransportClosed()
}

function onSocketTimeout (this: OwnedSocket): void {
  const conn = this[kConnection]
  conn?.abort(new TimeoutError(`socket to ${conn.remoteAddr.toString()} was inactive for ${this.timeout} ms`))
}

/**
 * A connected socket as a MultiaddrConnection: the semantics of docs/STREAMS.md come from
 * AbstractMessageStream, this class maps them onto node:net. The socket must have been created
 * with `allowHalfOpen: true` so that closeWrite() is a real half-close.
 */
export class TCPConnection extends AbstractMessageStream implements MultiaddrConnection {
  readonly remoteAddr: Multiaddr
  readonly #socket: Socket
  #resetOnAbort = true

  constructor (init: TCPConnectionInit) {
    const { socket, remoteAddr, inactivityTimeout, socketOptions, ...streamInit } = init
    super({ ...streamInit, closeMode: 'connection', id: `tcp-${init.direction === 'inbound' ? 'in' : 'out'}-${++nextId}` })
    this.remoteAddr = remoteAddr
    this.#socket = socket
    ;(socket as OwnedSocket)[kConnection] = this

    socket.setNoDelay(socketOptions.noDelay)
    if (socketOptions.keepAlive) { socket.setKeepAlive(true, socketOptions.keepAliveInitialDelay) }
    if (inactivityTimeout > 0) {
      socket.setTimeout(inactivityTimeout)
      socket.on('timeout', onSocketTimeout)
    }
    socket.on('data', onSocketData)
    socket.on('end', onSocketEnd)
    socket.on('drain', onSocketDrain)
    socket.on('error', onSocketError)
    socket.on('close', onSocketClose)

    if (socket.destroyed) { this.onTransportClosed() }
  }

  protected sendData (data: Uint8ArrayList): SendResult {
    const socket = this.#socket
    const sentBytes = data.byteLength
    const it = data[Symbol.iterator]()
    const first = it.next()
    const second = first.done === true ? first : it.next()
    let canSendMore: boolean
    if (first.done === true) {
      canSendMore = true
    } else if (second.done === true) {
      canSendMore = socket.write(first.value)
    } else if (sentBytes < WRITE_COPY_MAX_AVERAGE_CHUNK_BYTES * 2) {
      // two or more small chunks: one copy beats several writes
      canSendMore = socket.write(data.subarray())
    } else {
      let chunks = 2
      for (let r = it.next(); r.done !== true; r = it.next()) { chunks++ }
      if (sentBytes / chunks < WRITE_COPY_MAX_AVERAGE_CHUNK_BYTES) {
        canSendMore = socket.write(data.subarray())
      } else {
        socket.cork()
        for (const buf of data) { canSendMore = socket.write(buf) }
        socket.uncork()
        canSendMore = socket.writableLength < socket.writableHighWaterMark
      }
    }
    return { sentBytes, canSendMore }
  }

  protected async sendCloseWrite (options?: AbortOptions): Promise<void> {
    const socket = this.#socket
    if (socket.writableFinished || socket.destroyed) { return }
    await new Promise<void>((resolve, reject) => {
      const signal = options?.signal
      const done = (): void => {
        socket.off('finish', done)
        socket.off('close', done)
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = (): void => {
        socket.off('finish', done)
        socket.off('close', done)
        reject(signal?.reason)
      }
      socket.on('finish', done)
      socket.on('close', done)
      signal?.addEventListener('abort', onAbort, { once: true })
      socket.end()
    })
  }

  protected sendCloseRead (): void {
    // TCP cannot tell the remote; the base class drops what still arrives
  }

  /**
   * Abort without a reset: close the socket at once with a FIN, as go-libp2p and rust-libp2p do
   * with a connection whose upgrade failed (the kernel still sends RST if unread data remains).
   */
  drop (err: Error): void {
    this.#resetOnAbort = false
    this.abort(err)
  }

  protected sendReset (): void {
    const socket = this.#socket
    if (socket.destroyed) { return }
    if (socket.connecting || !this.#resetOnAbort) {
      socket.destroy()
    } else {
      // RST instead of FIN (SO_LINGER 0), so the remote sees ECONNRESET
      socket.resetAndDestroy()
    }
  }

  protected sendPause (): void {
    this.#socket.pause()
  }

  protected sendResume (): void {
    this.#socket.resume()
  }

  protected onFinished (): void {
    const socket = this.#socket
    socket.setTimeout(0)
    if (!socket.destroyed) { socket.destroy() }
  }
}
