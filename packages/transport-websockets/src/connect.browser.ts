import { AbortError, DialError, InvalidMultiaddrError, TimeoutError } from '@libp2p/interface'
import { toUrl } from './multiaddr.js'
import type { WebSocketAddress } from './multiaddr.js'

export interface BrowserConnectOptions {
  signal?: AbortSignal
  /** the WebSocket must open within this; 0 disables */
  timeoutMs: number
}

function abortReason (signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new AbortError('the dial was aborted')
}

/**
 * Open a native WebSocket to `addr`. The browser resolves names and picks the address itself: a
 * `/tls/sni/<name>/ws` address is dialled as `wss://<name>:<port>`, and `/dns4` or `/dns6`
 * cannot force a family. `onOpen` runs synchronously in the 'open' event, before any message
 * can be dispatched. Browsers give no reason for a failed handshake, so DialError has no cause.
 */
export async function connect<T> (addr: WebSocketAddress, options: BrowserConnectOptions, onOpen: (ws: WebSocket) => T): Promise<T> {
  const { signal, timeoutMs } = options
  if (signal?.aborted === true) { throw abortReason(signal) }
  const url = toUrl(addr)
  let ws: WebSocket
  try {
    ws = new WebSocket(url)
  } catch (err: any) {
    throw new InvalidMultiaddrError(`cannot open a WebSocket to ${url}: ${err.message}`)
  }
  ws.binaryType = 'arraybuffer'

  return new Promise<T>((resolve, reject) => {
    let settled = false
    let timer: ReturnType<typeof setTimeout> | undefined

    const settle = (): boolean => {
      if (settled) { return false }
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      ws.removeEventListener('open', onOpenEvent)
      ws.removeEventListener('close', onClose)
      return true
    }
    const fail = (err: Error): void => {
      if (!settle()) { return }
      ws.close()
      reject(err)
    }
    const onOpenEvent = (): void => {
      if (!settle()) { return }
      try {
        resolve(onOpen(ws))
      } catch (err: any) {
        ws.close()
        reject(err)
      }
    }
    const onClose = (evt: CloseEvent): void => {
      fail(new DialError(`could not open a WebSocket to ${url} (close code ${evt.code})`))
    }
    const onAbort = (): void => {
      if (signal != null) { fail(abortReason(signal)) }
    }

    ws.addEventListener('open', onOpenEvent)
    ws.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort, { once: true })
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        fail(new TimeoutError(`opening a WebSocket to ${url} timed out after ${timeoutMs} ms`))
      }, timeoutMs)
    }
  })
}
