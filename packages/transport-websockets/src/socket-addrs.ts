import { isIPv4, isIPv6 } from 'node:net'
import { networkInterfaces } from 'node:os'
import { toWebSocketMultiaddr } from './multiaddr.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The multiaddr of a socket's remote end: an IPv4-mapped IPv6 address becomes `/ip4`; a scoped
 * IPv6 address (which a URL cannot name) and anything unparseable give undefined
 */
export function remoteMultiaddr (host: string | undefined, port: number | undefined, secure: boolean): Multiaddr | undefined {
  if (host == null || port == null) { return undefined }
  if (host.startsWith('::ffff:') && isIPv4(host.slice(7))) { host = host.slice(7) }
  try {
    if (isIPv4(host)) { return toWebSocketMultiaddr(4, host, port, secure) }
    if (isIPv6(host) && !host.includes('%')) { return toWebSocketMultiaddr(6, host, port, secure) }
  } catch {
    // not representable as a multiaddr
  }
  return undefined
}

/**
 * The addresses a server bound to `host` is reachable on, in the published form (`/ws` or
 * `/tls/ws`). The wildcards 0.0.0.0 and :: expand to the machine's interface addresses of that
 * family; IPv6 link-local addresses are left out (not dialable without a zone).
 */
export function boundMultiaddrs (host: string, port: number, secure: boolean): Multiaddr[] {
  const any4 = host === '0.0.0.0'
  const any6 = host === '::'
  if (!any4 && !any6) {
    const ma = remoteMultiaddr(host, port, secure)
    return ma == null ? [] : [ma]
  }
  const out: Multiaddr[] = []
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) {
      const v4 = info.family === 'IPv4'
      const v6 = info.family === 'IPv6' && !/^fe[89ab]/i.test(info.address)
      if ((any4 && v4) || (any6 && v6)) {
        const ma = remoteMultiaddr(info.address, port, secure)
        if (ma != null) { out.push(ma) }
      }
    }
  }
  return out
}
