import { connect as netConnect, isIP } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { AbortError, DialError, TimeoutError } from '@libp2p/interface'
import { WebSocket } from 'ws'
import { toUrl } from './multiaddr.js'
import type { WebSocketAddress } from './multiaddr.js'
import type { Socket, createConnection } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import type { ClientOptions } from 'ws'

/** ws 8.23 reads `closeTimeout`, which `@types/ws` 8.18 does not list yet */
type WsClientOptions = ClientOptions & { closeTimeout?: number }

export interface ConnectOptions {
  signal?: AbortSignal
  /** TCP connect + TLS + HTTP upgrade must finish within this; 0 disables */
  timeoutMs: number
  maxMessageSize: number
  closeTimeout: number
  /** for wss: passed to tls.connect (`ca`, `rejectUnauthorized`, client certificates...) */
  tls?: ConnectionOptions
}

function abortReason (signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortError('the dial was aborted')
}

/**
 * Open a WebSocket to `addr` with `ws`. The TCP (or TLS) connection goes to `addr.host` with the
 * address family of the multiaddr; the URL, so the Host header and the SNI, name the /sni host
 * when there is one. `onOpen` runs synchronously in the 'open' event, so no message can arrive
 * before the caller has attached its listeners. On timeout, abort or error the socket is
 * destroyed before the promise rejects.
 */
export async function connect<T> (addr: WebSocketAddress, options: ConnectOptions, onOpen: (ws: WebSocket) => T): Promise<T> {
  const { signal, timeoutMs } = options
  if (signal?.aborted === true) { throw abortReason(signal) }
  const url = toUrl(addr)

  return new Promise<T>((resolve, reject) => {
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    let failure: Error | undefined

    // the connection goes to the multiaddr's host and family, whatever host the URL names
    const createSocket = (): Socket => {
      const target = { host: addr.host, port: addr.port, family: addr.family === 0 ? undefined : addr.family }
      if (!addr.secure) { return netConnect(target) }
      return tlsConnect({
        ...options.tls,
        ...target,
        // no SNI for an IP address (RFC 6066); the certificate is then checked against the IP
        servername: addr.servername ?? options.tls?.servername ?? (isIP(addr.host) === 0 ? addr.host : '')
      })
    }
    const wsOptions: WsClientOptions = {
      perMessageDeflate: false,
      maxPayload: options.maxMessageSize,
      closeTimeout: options.closeTimeout,
      followRedirects: false,
      createConnection: createSocket as unknown as typeof createConnection
    }
    const ws = new WebSocket(url, wsOptions)

    const settle = (): boolean => {
      if (settled) { return false }
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      ws.off('open', onOpenEvent)
      ws.off('close', onClose)
      return true
    }
    const fail = (err: Error): void => {
      if (!settle()) { return }
      ws.terminate()
      reject(err)
    }
    const onOpenEvent = (): void => {
      if (!settle()) { return }
      ws.off('error', onError)
      try {
        resolve(onOpen(ws))
      } catch (err: any) {
        ws.terminate()
        reject(err)
      }
    }
    const onError = (err: Error): void => {
      failure = err
    }
    const onClose = (): void => {
      fail(new DialError(`could not open a WebSocket to ${url}: ${failure?.message ?? 'closed during the handshake'}`, failure == null ? [] : [failure]))
    }
    const onAbort = (): void => {
      if (signal != null) { fail(abortReason(signal)) }
    }

    ws.once('open', onOpenEvent)
    ws.on('error', onError)
    ws.once('close', onClose)
    signal?.addEventListener('abort', onAbort, { once: true })
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        fail(new TimeoutError(`opening a WebSocket to ${url} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
    }
  })
}
