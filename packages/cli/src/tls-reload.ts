import { readTlsFiles } from './tls.js'
import type { Server as HttpsServer } from 'node:https'

/**
 * The https servers of the node's wss listeners (one per wss listen address, handed over by the
 * WebSockets transport's onHttpsServer), so a renewed certificate can be put on them while they
 * run. A closed server leaves the set, so it holds at most the listen addresses.
 */
export class WssServers {
  readonly #servers = new Set<HttpsServer>()

  /** the transport's onHttpsServer: an arrow, as it is passed on unbound */
  readonly add = (server: HttpsServer): void => {
    this.#servers.add(server)
    server.once('close', () => { this.#servers.delete(server) })
  }

  get size (): number {
    return this.#servers.size
  }

  /** new TLS handshakes get this certificate; open connections keep the one they negotiated */
  setCertificate (cert: string, key: string): void {
    for (const server of this.#servers) { server.setSecureContext({ cert, key }) }
  }
}

export interface TlsReloadOptions {
  tlsCert?: string
  tlsKey?: string
  servers: WssServers
  out(line: string): void
  err(line: string): void
}

/**
 * What SIGHUP does: re-reads `--tls-cert`/`--tls-key` with the checks of the start (readTlsFiles)
 * and, when they pass, swaps the certificate on the running wss listeners. A file that fails a
 * check leaves the current certificate in place (a half-written renewal must not take wss down)
 * and says which file. One line either way, plus the expiry warning the start would print.
 */
export async function reloadTlsCertificate (options: TlsReloadOptions): Promise<void> {
  if (options.tlsCert == null || options.tlsKey == null) {
    options.out('SIGHUP: no --tls-cert/--tls-key to reload, nothing changed')
    return
  }
  let tls
  try {
    tls = await readTlsFiles(options.tlsCert, options.tlsKey)
  } catch (err: any) {
    options.err(`warning: SIGHUP: kept the current wss certificate: ${err.message}`)
    return
  }
  if (tls == null) { return }
  options.servers.setCertificate(tls.cert, tls.key)
  options.out(`SIGHUP: wss certificate reloaded for ${tls.names}, valid until ${tls.validTo.toISOString()} (${options.servers.size} listener${options.servers.size === 1 ? '' : 's'})`)
  if (tls.warning != null) { options.err(`warning: ${tls.warning}`) }
}
