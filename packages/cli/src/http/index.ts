import { appConfig, servesAppConfig } from './app-config.js'
import { QR_MAX_TEXT_BYTES } from './constants.js'
import { StatusEvents } from './events.js'
import { HealthCheck } from './health.js'
import { serveMetrics } from './metrics.js'
import { PAGE_CSS } from './page-css.js'
import { PAGE_CSP, PAGE_HTML, PAGE_ICON } from './page-html.js'
import { PAGE_SCRIPT } from './page-script.js'
import { qrSvg } from './qr.js'
import { ReservedPeers } from './reserved-peers.js'
import { send, sendJson, sendText } from './respond.js'
import { startHttpServer } from './server.js'
import { serveStatic } from './static-dir.js'
import { statusSnapshot } from './status.js'
import type { StatusEventSource } from './events.js'
import type { HealthNode } from './health.js'
import type { HttpListenAddress } from './listen-address.js'
import type { MetricsSource } from './metrics.js'
import type { ReservationEventSource } from './reserved-peers.js'
import type { HttpServer } from './server.js'
import type { StatusLimits, StatusNode } from './status.js'
import type { Datastore } from 'interface-datastore'
import type { IncomingMessage, ServerResponse } from 'node:http'

export { parseHttpListen } from './listen-address.js'
export type { HttpListenAddress } from './listen-address.js'
export type { MetricsSource } from './metrics.js'
export type { HttpServer } from './server.js'

export interface NodeHttpServerInit {
  address: HttpListenAddress
  node: StatusNode & HealthNode & StatusEventSource & ReservationEventSource
  /** the node's datastore, which /health writes to */
  datastore: Pick<Datastore, 'put' | 'delete'>
  /** what /metrics serves (404 without it) */
  metrics?: MetricsSource
  /** a directory served at /app/ (the browser app), with the node's addresses at /app/config.json unless it has that file; none when unset */
  appDir?: string
  /** STUN/TURN server URLs (the iceServers setting) for the app's pages, in /app/config.json */
  iceServers?: string[]
  /** shown on the status page next to the counts */
  limits?: StatusLimits
  /** sockets open at once */
  maxConnections: number
  /** how long a client may take to send a request's headers, in ms */
  headersTimeout: number
  /** pages following /events at once */
  maxEventClients: number
}

const APP_PREFIX = '/app/'

/**
 * The node's HTTP server: the status page (`/`, `/status.css`, `/status.js`, `/status.json`, live
 * through `/events`, QR codes of the node's own addresses at `/qr.svg?address=`), `/health`,
 * `/metrics`, and the files of `appDir` under `/app/` (and the node's WebSocket addresses as
 * /app/config.json, for the browser app, unless `appDir` has a config.json).
 */
export async function startNodeHttpServer (init: NodeHttpServerInit): Promise<HttpServer> {
  // followed from the start, so a reservation made while no page is open is listed when one opens
  const reserved = new ReservedPeers(init.node)
  const snapshot = (): string => JSON.stringify(statusSnapshot(init.node, init.limits, reserved))
  const events = new StatusEvents({ events: init.node, snapshot, maxClients: init.maxEventClients })
  const health = new HealthCheck(init.node, init.datastore)

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? ''
    const queryAt = url.indexOf('?')
    const path = queryAt === -1 ? url : url.slice(0, queryAt)
    const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1))
    if (!path.startsWith('/')) {
      sendText(res, 400, 'bad request target\n')
      return
    }
    if (init.appDir != null && path === `${APP_PREFIX}config.json` && servesAppConfig(init.appDir)) {
      sendJson(res, 200, appConfig(init.node, init.iceServers))
      return
    }
    if (init.appDir != null && path.startsWith(APP_PREFIX)) {
      await serveStatic(init.appDir, path.slice(APP_PREFIX.length), req, res)
      return
    }
    switch (path) {
      case '/':
        send(res, 200, 'text/html; charset=utf-8', PAGE_HTML, { 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-cache' })
        return
      case '/status.css':
        send(res, 200, 'text/css; charset=utf-8', PAGE_CSS, { 'Cache-Control': 'no-cache' })
        return
      case '/status.js':
        send(res, 200, 'text/javascript; charset=utf-8', PAGE_SCRIPT, { 'Cache-Control': 'no-cache' })
        return
      case '/favicon.svg':
        send(res, 200, 'image/svg+xml', PAGE_ICON, { 'Cache-Control': 'max-age=86400' })
        return
      case '/status.json':
        send(res, 200, 'application/json', snapshot() + '\n', { 'Cache-Control': 'no-store' })
        return
      case '/events':
        events.add(req, res)
        return
      case '/health': {
        const report = await health.check()
        sendJson(res, report.healthy ? 200 : 503, report)
        return
      }
      case '/metrics':
        await serveMetrics(init.metrics, req, res)
        return
      case '/qr.svg':
        serveQr(init.node, query.get('address'), res)
        return
      case '/app':
        if (init.appDir != null) {
          send(res, 301, 'text/plain; charset=utf-8', 'moved to /app/\n', { Location: APP_PREFIX })
        } else {
          sendText(res, 404, 'not found\n')
        }
        return
      default:
        sendText(res, 404, 'not found\n')
    }
  }

  const server = await startHttpServer({ address: init.address, maxConnections: init.maxConnections, headersTimeout: init.headersTimeout, handle })
  return {
    url: server.url,
    port: server.port,
    close: async () => {
      events.close()
      reserved.stop()
      await server.close()
    }
  }
}

/** `/qr.svg?address=<multiaddr>`: only for the node's own addresses, so it is no QR service for anyone's text */
function serveQr (node: StatusNode, address: string | null, res: ServerResponse): void {
  if (address == null || Buffer.byteLength(address) > QR_MAX_TEXT_BYTES || !node.getMultiaddrs().some(ma => ma.toString() === address)) {
    sendText(res, 404, 'not one of this node\'s addresses\n')
    return
  }
  send(res, 200, 'image/svg+xml', qrSvg(address), { 'Cache-Control': 'no-cache' })
}
