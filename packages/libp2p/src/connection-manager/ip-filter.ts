import { InvalidParametersError } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'

/** an address range: the first `bits` bits of `bytes` (4 bytes for IPv4, 16 for IPv6) */
interface IpRange {
  bytes: Uint8Array
  bits: number
}

function parseIPv4 (ip: string): Uint8Array | undefined {
  const parts = ip.split('.')
  if (parts.length !== 4) { return undefined }
  const out = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i])) { return undefined }
    const n = Number(parts[i])
    if (n > 255) { return undefined }
    out[i] = n
  }
  return out
}

function parseIPv6 (ip: string): Uint8Array | undefined {
  const zone = ip.indexOf('%')
  if (zone !== -1) { ip = ip.slice(0, zone) }
  // a dotted IPv4 tail (::ffff:1.2.3.4) counts as the last two groups
  let tail: Uint8Array | undefined
  const lastColon = ip.lastIndexOf(':')
  if (ip.includes('.', lastColon)) {
    tail = parseIPv4(ip.slice(lastColon + 1))
    if (tail == null) { return undefined }
    ip = `${ip.slice(0, lastColon + 1)}0:0`
  }
  const halves = ip.split('::')
  if (halves.length > 2) { return undefined }
  const groups = (s: string): string[] => s === '' ? [] : s.split(':')
  const head = groups(halves[0])
  const rest = halves.length === 2 ? groups(halves[1]) : []
  const missing = 8 - head.length - rest.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) { return undefined }
  const all = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest]
  const out = new Uint8Array(16)
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-f]{1,4}$/i.test(all[i])) { return undefined }
    const n = parseInt(all[i], 16)
    out[2 * i] = n >> 8
    out[2 * i + 1] = n & 0xff
  }
  if (tail != null) { out.set(tail, 12) }
  return out
}

/** 4 bytes for IPv4 and IPv4-mapped IPv6 (::ffff:a.b.c.d), 16 for other IPv6, undefined if not an IP */
export function parseIp (ip: string): Uint8Array | undefined {
  if (!ip.includes(':')) { return parseIPv4(ip) }
  const bytes = parseIPv6(ip)
  if (bytes != null && bytes.subarray(0, 10).every(b => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return bytes.slice(12)
  }
  return bytes
}

/**
 * One allow/deny list entry: an IP (`10.0.0.1`, `::1`), a CIDR range (`10.0.0.0/8`, `fe80::/10`),
 * or a multiaddr whose first component is the IP, optionally followed by `/ipcidr/<bits>`
 * (`/ip4/10.0.0.1`, `/ip4/10.0.0.0/ipcidr/8`, `/ip4/10.0.0.1/tcp/4001`: only the IP counts).
 */
function parseRange (entry: string): IpRange {
  let ip: string | undefined
  let bits: string | undefined
  if (entry.startsWith('/')) {
    const parts = multiaddr(entry).getComponents()
    if (parts[0]?.name === 'ip4' || parts[0]?.name === 'ip6') { ip = parts[0].value }
    if (parts[1]?.name === 'ipcidr') { bits = parts[1].value }
  } else {
    [ip, bits] = entry.split('/')
  }
  const bytes = ip == null ? undefined : parseIp(ip)
  if (bytes == null) {
    throw new InvalidParametersError(`allow/deny entry "${entry}" is not an IP, a CIDR range or an /ip4 or /ip6 multiaddr`)
  }
  // a range written in IPv4-mapped IPv6 form counts its prefix within the IPv4 part
  const mappedOffset = ip != null && ip.includes(':') && bytes.byteLength === 4 ? 96 : 0
  const width = bytes.byteLength * 8
  const n = bits == null ? width : Number(bits) - mappedOffset
  if (!Number.isInteger(n) || n < 0 || n > width) {
    throw new InvalidParametersError(`allow/deny entry "${entry}" has an invalid prefix length`)
  }
  return { bytes, bits: n }
}

function inRange (ip: Uint8Array, range: IpRange): boolean {
  if (ip.byteLength !== range.bytes.byteLength) { return false }
  const whole = range.bits >> 3
  for (let i = 0; i < whole; i++) {
    if (ip[i] !== range.bytes[i]) { return false }
  }
  const partial = range.bits & 7
  if (partial === 0) { return true }
  const mask = (0xff << (8 - partial)) & 0xff
  return (ip[whole] & mask) === (range.bytes[whole] & mask)
}

/**
 * The connection manager's allow or deny list: IPs and CIDR ranges, matched numerically (so
 * `10.0.0.1` does not match `10.0.0.12`). Entries are checked when the list is built:
 * InvalidParametersError for one that is not an address.
 */
export class IpFilter {
  readonly #ranges: IpRange[]

  constructor (entries: string[] = []) {
    this.#ranges = entries.map(parseRange)
  }

  get size (): number {
    return this.#ranges.length
  }

  matches (ip: string): boolean {
    if (this.#ranges.length === 0) { return false }
    const bytes = parseIp(ip)
    return bytes != null && this.#ranges.some(range => inRange(bytes, range))
  }
}
