import { connect as netConnect } from 'node:net'
import { AbortError, DialError, TimeoutError } from '@libp2p/interface'
import type { NetAddress } from './multiaddr.js'
import type { Socket } from 'node:net'

export interface ConnectOptions {
  signal?: AbortSignal
  /** give up with TimeoutError after this long; 0 disables */
  timeout: number
}

/** an error after the dial settled is the TCPConnection's to report (or the dial already failed) */
function ignoreLateError (): void {}

function abortReason (signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortError('the dial was aborted')
}

/**
 * Open a half-open-capable TCP socket. On timeout, abort or error the socket is destroyed before
 * the promise rejects, so a failed dial leaves nothing behind.
 */
export async function connect (addr: NetAddress, options: ConnectOptions): Promise<Socket> {
  const { signal, timeout } = options
  if (signal?.aborted === true) { throw abortReason(signal) }

  return new Promise<Socket>((resolve, reject) => {
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const socket = netConnect({
      host: addr.host,
      port: addr.port,
      family: addr.family,
      allowHalfOpen: true
    })

    const settle = (): boolean => {
      if (settled) { return false }
      settled = true
      clearTimeout(timer)
      socket.off('connect', onConnect)
      signal?.removeEventListener('abort', onAbort)
      return true
    }
    const fail = (err: Error): void => {
      if (!settle()) { return }
      socket.destroy()
      reject(err)
    }
    const onConnect = (): void => {
      if (!settle()) { return }
      // this closure's scope holds the dial's signal and timer: swap it for one that holds nothing,
      // so a connected socket does not keep them for its whole life (the TCPConnection that wraps
      // the socket adds its own error listener)
      socket.off('error', onError)
      socket.on('error', ignoreLateError)
      resolve(socket)
    }
    // stays attached after a failure: a late error on a destroyed socket must not go unhandled
    const onError = (err: Error): void => {
      fail(new DialError(`could not connect to ${addr.host}:${addr.port}: ${err.message}`, [err]))
    }
    const onAbort = (): void => {
      if (signal != null) { fail(abortReason(signal)) }
    }

    socket.once('connect', onConnect)
    socket.on('error', onError)
    signal?.addEventListener('abort', onAbort, { once: true })
    if (timeout > 0) {
      timer = setTimeout(() => {
        fail(new TimeoutError(`connecting to ${addr.host}:${addr.port} timed out after ${timeout} ms`))
      }, timeout)
    }
  })
}
