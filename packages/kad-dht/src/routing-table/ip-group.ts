import { ipOf, isCircuitAddress } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The diversity filter's grouping of addresses. go groups an IPv4 address by its /16 and an IPv6
 * address by its ASN; there is no ASN database here, so an IPv6 address is grouped by its /32,
 * the size of a typical operator's allocation, which stands in for "one ASN".
 */

/** the four bytes of a dotted IPv4 address, or undefined when it is not one */
function parseIPv4 (ip: string): number[] | undefined {
  const parts = ip.split('.')
  if (parts.length !== 4) { return undefined }
  const bytes = parts.map(p => /^\d{1,3}$/.test(p) ? Number(p) : NaN)
  return bytes.every(b => b >= 0 && b <= 255) ? bytes : undefined
}

function parseGroups (text: string): number[] | undefined {
  if (text === '') { return [] }
  const groups = text.split(':').map(g => /^[0-9a-fA-F]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)
  return groups.some(Number.isNaN) ? undefined : groups
}

/** the eight 16-bit groups of an IPv6 address (a dotted IPv4 tail gives the last two), or undefined */
function parseIPv6 (ip: string): number[] | undefined {
  let text = ip.split('%')[0]
  const tail: number[] = []
  if (text.includes('.')) {
    const cut = text.lastIndexOf(':')
    const v4 = parseIPv4(text.slice(cut + 1))
    if (v4 == null) { return undefined }
    tail.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3])
    // keep a '::' that ends right before the IPv4 part, drop a single ':'
    text = text.slice(0, cut + 1)
    text = text.endsWith('::') ? text : text.slice(0, -1)
  }
  const halves = text.split('::')
  if (halves.length > 2) { return undefined }
  const head = parseGroups(halves[0])
  const rest = halves.length === 2 ? parseGroups(halves[1]) : []
  if (head == null || rest == null) { return undefined }
  const missing = 8 - tail.length - head.length - rest.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) { return undefined }
  return [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail]
}

/**
 * Addresses the filter leaves alone, as go does: loopback, private (RFC 1918, unique local),
 * link-local, shared (CGNAT) and unspecified. A LAN or a test network would otherwise fill one
 * group at once.
 */
function isExemptIPv4 (b: number[]): boolean {
  return b[0] === 0 || b[0] === 10 || b[0] === 127 ||
    (b[0] === 100 && (b[1] & 0xc0) === 64) ||
    (b[0] === 169 && b[1] === 254) ||
    (b[0] === 172 && (b[1] & 0xf0) === 16) ||
    (b[0] === 192 && b[1] === 168)
}

function isExemptIPv6 (g: number[]): boolean {
  const allZeroHead = g.slice(0, 7).every(x => x === 0)
  return (allZeroHead && (g[7] === 0 || g[7] === 1)) || // :: and ::1
    (g[0] & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (g[0] & 0xffc0) === 0xfe80 // link-local fe80::/10
}

/**
 * The group of one IP address (`ip4:a.b` for its /16, `ip6:xxxx:xxxx` for its /32), or
 * undefined when the address is exempt or unparseable. An IPv4-mapped IPv6 address is its IPv4.
 */
export function ipGroup (ip: string): string | undefined {
  const v4 = parseIPv4(ip)
  if (v4 != null) {
    return isExemptIPv4(v4) ? undefined : `ip4:${v4[0]}.${v4[1]}`
  }
  const v6 = parseIPv6(ip)
  if (v6 == null) { return undefined }
  if (v6.slice(0, 5).every(x => x === 0) && v6[5] === 0xffff) {
    return ipGroup(`${v6[6] >> 8}.${v6[6] & 0xff}.${v6[7] >> 8}.${v6[7] & 0xff}`)
  }
  return isExemptIPv6(v6) ? undefined : `ip6:${v6[0].toString(16)}:${v6[1].toString(16)}`
}

/**
 * The distinct groups of a peer's addresses. Circuit addresses name the relay's IP, not the
 * peer's, and addresses with no IP (/dns, /memory) say nothing about where the peer is: neither
 * counts.
 */
export function ipGroupsOf (addrs: Multiaddr[]): string[] {
  const groups = new Set<string>()
  for (const ma of addrs) {
    if (isCircuitAddress(ma)) { continue }
    const ip = ipOf(ma)
    const group = ip == null ? undefined : ipGroup(ip)
    if (group != null) { groups.add(group) }
  }
  return [...groups]
}
