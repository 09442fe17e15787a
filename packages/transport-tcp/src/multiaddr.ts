import { isIPv4, isIPv6 } from 'node:net'
import { networkInterfaces } from 'node:os'
import { CODE_DNS, CODE_DNS4, CODE_DNS6, CODE_IP4, CODE_IP6, CODE_P2P, CODE_TCP, multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

/** where to connect or bind: what node:net needs */
export interface NetAddress {
  host: string
  port: number
  /** 0: a `/dns` name that may resolve to either family */
  family: 0 | 4 | 6
}

const IP_CODES = new Set([CODE_IP4, CODE_IP6])
const DIAL_HOST_CODES = new Set([CODE_IP4, CODE_IP6, CODE_DNS4, CODE_DNS6, CODE_DNS])

function familyOf (code: number): 0 | 4 | 6 {
  if (code === CODE_IP4 || code === CODE_DNS4) { return 4 }
  if (code === CODE_IP6 || code === CODE_DNS6) { return 6 }
  return 0
}

function parse (ma: Multiaddr, hostCodes: Set<number>, allowPeerId: boolean): NetAddress | undefined {
  const parts = ma.getComponents()
  if (parts.length !== 2 && !(allowPeerId && parts.length === 3 && parts[2].code === CODE_P2P)) { return undefined }
  const [host, tcp] = parts
  if (!hostCodes.has(host.code) || tcp.code !== CODE_TCP || host.value == null || tcp.value == null) { return undefined }
  const port = Number(tcp.value)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) { return undefined }
  return { host: host.value, port, family: familyOf(host.code) }
}

/**
 * `/ip4|ip6/<addr>/tcp/<port>` and `/dns4|dns6|dns/<name>/tcp/<port>`, optionally ending in
 * `/p2p/<peer>`, with a non-zero port. A DNS name is resolved by node:net when connecting.
 */
export function toDialAddress (ma: Multiaddr): NetAddress | undefined {
  const addr = parse(ma, DIAL_HOST_CODES, true)
  return addr == null || addr.port === 0 ? undefined : addr
}

/** `/ip4|ip6/<addr>/tcp/<port>`; port 0 picks a free port */
export function toListenAddress (ma: Multiaddr): NetAddress | undefined {
  return parse(ma, IP_CODES, false)
}

/**
 * The multiaddr of a socket address: an IPv4-mapped IPv6 address becomes `/ip4`, a scoped IPv6
 * address (`fe80::1%eth0`) becomes `/ip6zone/eth0/ip6/fe80::1`
 */
export function toMultiaddr (host: string, port: number): Multiaddr | undefined {
  if (host.startsWith('::ffff:') && isIPv4(host.slice(7))) { host = host.slice(7) }
  try {
    if (isIPv4(host)) { return multiaddr(`/ip4/${host}/tcp/${port}`) }
    if (isIPv6(host)) {
      const zone = host.indexOf('%')
      return zone === -1
        ? multiaddr(`/ip6/${host}/tcp/${port}`)
        : multiaddr(`/ip6zone/${host.slice(zone + 1)}/ip6/${host.slice(0, zone)}/tcp/${port}`)
    }
  } catch {
    // not representable as a multiaddr
  }
  return undefined
}

function isLinkLocalIPv6 (address: string): boolean {
  return /^fe[89ab]/i.test(address)
}

/**
 * The addresses a listener bound to `host` is reachable on: the wildcards 0.0.0.0 and :: expand
 * to the machine's interface addresses of that family (IPv6 link-local ones are left out: they
 * are not dialable without a zone).
 */
export function listenAddresses (host: string, port: number): Multiaddr[] {
  const wildcard4 = host === '0.0.0.0'
  const wildcard6 = host === '::'
  if (!wildcard4 && !wildcard6) {
    const ma = toMultiaddr(host, port)
    return ma == null ? [] : [ma]
  }
  const out: Multiaddr[] = []
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) {
      // Node 18.0-18.3 reported the family as a number
      const family = info.family as string | number
      const v4 = family === 'IPv4' || family === 4
      const v6 = family === 'IPv6' || family === 6
      if ((wildcard4 && v4) || (wildcard6 && v6 && !isLinkLocalIPv6(info.address))) {
        const ma = toMultiaddr(info.address, port)
        if (ma != null) { out.push(ma) }
      }
    }
  }
  return out
}
