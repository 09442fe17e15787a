import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import { Registry } from 'prom-client'
import { STOP_DEADLINE_MS } from './constants.js'
import { dataDirPaths, openDatastore } from './data-dir.js'
import { DEFAULT_HTTP_HEADERS_TIMEOUT_MS, DEFAULT_HTTP_LISTEN, DEFAULT_HTTP_MAX_CONNECTIONS, DEFAULT_HTTP_MAX_EVENT_CLIENTS } from './http/constants.js'
import { parseHttpListen, startNodeHttpServer } from './http/index.js'
import { loadOrCreateKey } from './key-file.js'
import { startPublicNode } from './public-node.js'
import { onReloadSignal, untilSignal, withinDeadline } from './signals.js'
import { WssServers, reloadTlsCertificate } from './tls-reload.js'
import { readTlsFiles } from './tls.js'
import type { HttpListenAddress, HttpServer, MetricsSource, NodeHttpServerInit } from './http/index.js'
import type { NodeLimits, PublicNode } from './public-node.js'

export interface NodeCommandOptions {
  dataDir?: string
  /** the identity key file; default: identity.key in the data directory */
  key?: string
  listen?: string[]
  announce?: string[]
  limits?: Partial<NodeLimits>
  dhtLan?: boolean
  /** the wss certificate (chain) and private key files, PEM: both or neither */
  tlsCert?: string
  tlsKey?: string
  /** the HTTP server's address (status page, /health, /metrics), or `none` (default DEFAULT_HTTP_LISTEN) */
  httpListen?: string
  /** a directory the HTTP server serves at /app/ */
  appDir?: string
  /** STUN/TURN server URLs for the app's pages (the iceServers setting), put into /app/config.json */
  iceServers?: string[]
  http?: { maxConnections?: number, headersTimeout?: number, maxEventClients?: number }
  out(line: string): void
  err(line: string): void
}

/** the node's HTTP server (status page, /health, /metrics) with the command's settings */
async function startHttp (options: NodeCommandOptions, address: HttpListenAddress, node: PublicNode, datastore: NodeHttpServerInit['datastore'], metrics: MetricsSource): Promise<HttpServer> {
  return startNodeHttpServer({
    address,
    node,
    datastore,
    metrics,
    appDir: options.appDir,
    iceServers: options.iceServers,
    limits: { maxConnections: options.limits?.maxConnections, maxReservations: options.limits?.maxReservations, maxCircuits: options.limits?.maxCircuits },
    maxConnections: options.http?.maxConnections ?? DEFAULT_HTTP_MAX_CONNECTIONS,
    headersTimeout: options.http?.headersTimeout ?? DEFAULT_HTTP_HEADERS_TIMEOUT_MS,
    maxEventClients: options.http?.maxEventClients ?? DEFAULT_HTTP_MAX_EVENT_CLIENTS
  })
}

/**
 * `libp2p node`: opens the data directory (the datastore first, so a second instance fails on
 * its lock before touching anything), runs the public node until SIGINT/SIGTERM (SIGHUP reloads
 * the wss certificate: tls-reload.ts), then stops it
 * within STOP_DEADLINE_MS and closes the datastore so LevelDB has flushed. Resolves with the exit code.
 */
export async function runNodeCommand (options: NodeCommandOptions): Promise<number> {
  // a bad address is a usage error, found before the data directory is touched
  const httpAddress = parseHttpListen(options.httpListen ?? DEFAULT_HTTP_LISTEN)
  // unreadable or mismatched TLS files fail here too, before the data directory is touched, naming the file
  const tls = await readTlsFiles(options.tlsCert, options.tlsKey)
  const paths = dataDirPaths(options.dataDir)
  const datastore = await openDatastore(paths)
  const metricsRegistry = new Registry()
  const wssServers = new WssServers()
  let node
  let http: HttpServer | undefined
  try {
    const keyFile = options.key ?? paths.keyFile
    const key = await loadOrCreateKey(keyFile)
    if (key.created) { options.out(`created identity ${keyFile}`) }
    if (key.exposed) { options.err(`warning: ${keyFile} can be read by other users (chmod 600 it)`) }
    node = await startPublicNode({
      privateKey: key.privateKey,
      datastore,
      // a registry of the node's own (not prom-client's global one), which /metrics serves; without
      // the HTTP server nobody reads it, and the data path stays as it is without metrics
      metrics: httpAddress != null ? prometheusMetrics({ registry: metricsRegistry }) : undefined,
      listen: options.listen,
      announce: options.announce,
      limits: options.limits,
      dhtLan: options.dhtLan,
      tls: tls != null ? { cert: tls.cert, key: tls.key, onHttpsServer: wssServers.add } : undefined
    })
    if (httpAddress != null) { http = await startHttp(options, httpAddress, node, datastore, metricsRegistry) }
  } catch (err) {
    await node?.stop()
    await datastore.close()
    throw err
  }
  const stopped = untilSignal(signal => { options.err(`${signal} again: exiting without finishing the stop`) })
  // installed with the stop signals, before the addresses are printed: SIGHUP's default would end the node
  const stopReloading = onReloadSignal(async () => { await reloadTlsCertificate({ tlsCert: options.tlsCert, tlsKey: options.tlsKey, servers: wssServers, out: options.out, err: options.err }) })
  options.out(`data directory ${paths.dir}`)
  options.out(`peer id ${node.peerId.toString()}`)
  for (const ma of node.getMultiaddrs()) { options.out(`listening on ${ma.toString()}`) }
  if (tls != null) { options.out(`wss certificate for ${tls.names}, valid until ${tls.validTo.toISOString()}`) }
  if (tls?.warning != null) { options.err(`warning: ${tls.warning}`) }
  if (http != null) { options.out(`status page ${http.url}`) }
  if (http != null && options.appDir != null) { options.out(`app ${http.url}app/`) }
  const signal = await stopped
  options.out(`${signal}: stopping (a second signal exits at once)`)
  const started = node
  try {
    await withinDeadline(STOP_DEADLINE_MS, 'stopping the node', async () => {
      // the HTTP server first: /health must not report a node that is going away as healthy
      await http?.close()
      await started.stop()
      await datastore.close()
    })
  } catch (err: any) {
    options.err(`${err.name}: ${err.message}`)
    // whatever did not stop still holds the event loop open
    process.exit(1)
  }
  // only now: a SIGHUP while stopping must not take Node's default (ending the process before the datastore is flushed)
  stopReloading()
  options.out('stopped')
  return 0
}
