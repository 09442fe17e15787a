import { networkInterfaces } from 'node:os'

/**
 * The hosts a UDP socket bound to `host` is reachable on: the wildcards 0.0.0.0 and :: stand for
 * every interface address of their family (so a listener publishes dialable addresses, as the
 * TCP and WebSocket listeners do); IPv6 link-local addresses are left out (a multiaddr cannot
 * carry their zone). Any other host is itself.
 */
export function interfaceHosts (host: string): string[] {
  const family = host === '0.0.0.0' ? 'IPv4' : host === '::' ? 'IPv6' : undefined
  if (family == null) { return [host] }
  return Object.values(networkInterfaces())
    .flatMap(infos => infos ?? [])
    .filter(info => info.family === family && !/^fe[89ab]/i.test(info.address))
    .map(info => info.address)
}
