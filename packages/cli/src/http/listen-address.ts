import { multiaddr } from '@multiformats/multiaddr'
import { UsageError } from '../errors.js'
import { HTTP_LISTEN_NONE } from './constants.js'

export interface HttpListenAddress {
  /** the IP to bind */
  host: string
  /** the TCP port; 0 takes a free one */
  port: number
  family: 4 | 6
}

/**
 * `--http-listen`: `/ip4/<ip>/tcp/<port>` or `/ip6/<ip>/tcp/<port>`, or `none` (undefined: no HTTP
 * server). Anything else is a UsageError, raised before the node opens its data directory.
 */
export function parseHttpListen (value: string): HttpListenAddress | undefined {
  if (value === HTTP_LISTEN_NONE) { return undefined }
  let components
  try {
    components = multiaddr(value).getComponents()
  } catch (err: any) {
    throw new UsageError(`httpListen ${JSON.stringify(value)} is not a multiaddr (${String(err.message)}); give /ip4/<ip>/tcp/<port>, /ip6/<ip>/tcp/<port> or ${HTTP_LISTEN_NONE}`)
  }
  const [ip, tcp] = components
  if (components.length !== 2 || (ip.name !== 'ip4' && ip.name !== 'ip6') || tcp.name !== 'tcp' || ip.value == null || tcp.value == null) {
    throw new UsageError(`httpListen ${value} must be /ip4/<ip>/tcp/<port>, /ip6/<ip>/tcp/<port> or ${HTTP_LISTEN_NONE}`)
  }
  return { host: ip.value, port: Number(tcp.value), family: ip.name === 'ip4' ? 4 : 6 }
}

/**
 * The URL a browser on this machine opens: an unspecified address (0.0.0.0, ::) is bound on every
 * interface, loopback among them, and is not something to browse to.
 */
export function httpUrl (address: HttpListenAddress, port: number): string {
  if (address.family === 4) {
    return `http://${address.host === '0.0.0.0' ? '127.0.0.1' : address.host}:${port}/`
  }
  return `http://[${address.host === '::' ? '::1' : address.host}]:${port}/`
}
