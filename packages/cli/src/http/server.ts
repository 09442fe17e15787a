import { createServer } from 'node:http'
import { ListenError } from '@libp2p/interface'
import { HTTP_KEEP_ALIVE_TIMEOUT_MS, HTTP_MAX_HEADER_BYTES, HTTP_MAX_REQUESTS_PER_SOCKET, HTTP_REQUEST_TIMEOUT_MS, HTTP_TIMEOUT_CHECK_INTERVAL_MS } from './constants.js'
import { httpUrl } from './listen-address.js'
import { sendText } from './respond.js'
import type { HttpListenAddress } from './listen-address.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HttpServerInit {
  address: HttpListenAddress
  /** sockets open at once */
  maxConnections: number
  /** how long a client may take to send a request's headers, in ms */
  headersTimeout: number
  /** answers a GET or HEAD request without a body (the only kind that reaches it) */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>
}

export interface HttpServer {
  /** what a browser on this machine opens, e.g. http://127.0.0.1:8080/ */
  url: string
  port: number
  /** stops accepting, ends every open socket (event streams included) and resolves once closed */
  close(): Promise<void>
}

/** a request this server never accepts: any method but GET and HEAD, and any body */
function refused (req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'only GET and HEAD\n', { Allow: 'GET, HEAD', Connection: 'close' })
    return true
  }
  const length = req.headers['content-length']
  if ((length != null && length !== '0') || req.headers['transfer-encoding'] != null) {
    // the body is never read: close the socket rather than let it arrive
    sendText(res, 413, 'requests have no body here\n', { Connection: 'close' })
    return true
  }
  return false
}

/**
 * A node:http server bounded against clients that misbehave: request line and headers within
 * HTTP_MAX_HEADER_BYTES (431 beyond), headers within `headersTimeout` (408 and closed after:
 * slowloris), no request body, at most `maxConnections` sockets, each idle keep-alive socket closed
 * after HTTP_KEEP_ALIVE_TIMEOUT_MS. Malformed requests get Node's own 400 and lose their socket;
 * none of it reaches the node.
 */
export async function startHttpServer (init: HttpServerInit): Promise<HttpServer> {
  const server = createServer({
    maxHeaderSize: HTTP_MAX_HEADER_BYTES,
    headersTimeout: init.headersTimeout,
    requestTimeout: Math.max(HTTP_REQUEST_TIMEOUT_MS, init.headersTimeout),
    keepAliveTimeout: HTTP_KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: HTTP_TIMEOUT_CHECK_INTERVAL_MS
  }, (req, res) => {
    if (refused(req, res)) { return }
    init.handle(req, res).catch(() => {
      if (!res.headersSent) {
        sendText(res, 500, 'internal error\n')
      } else {
        res.destroy()
      }
    })
  })
  server.maxConnections = init.maxConnections
  server.maxRequestsPerSocket = HTTP_MAX_REQUESTS_PER_SOCKET
  const { host, port } = init.address
  await new Promise<void>((resolve, reject) => {
    // kept after listening: a late server error (an accept failing) must not be an uncaught exception; reject is a no-op by then
    server.on('error', (err: any) => {
      reject(new ListenError(`the HTTP server cannot listen on ${host} port ${port} (--http-listen, or none to run without it): ${String(err.code ?? err.message)}`, { cause: err }))
    })
    server.listen({ host, port, ipv6Only: init.address.family === 6 }, resolve)
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: httpUrl(init.address, bound),
    port: bound,
    close: async () => {
      const closed = new Promise<void>(resolve => { server.close(() => { resolve() }) })
      server.closeAllConnections()
      await closed
    }
  }
}
