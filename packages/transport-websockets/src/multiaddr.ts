import {
  CODE_DNS, CODE_DNS4, CODE_DNS6, CODE_HTTP_PATH, CODE_IP4, CODE_IP6, CODE_P2P, CODE_SNI, CODE_TCP, CODE_TLS,
  CODE_WS, CODE_WSS, multiaddr
} from '@multiformats/multiaddr'
import type { Component, Multiaddr } from '@multiformats/multiaddr'

/** A WebSocket endpoint: what to connect to and what URL to ask for */
export interface WebSocketAddress {
  /** an IP address or a DNS name */
  host: string
  port: number
  /** 4 or 6 for /ip4 /dns4 and /ip6 /dns6; 0 for /dns (either family) */
  family: 0 | 4 | 6
  /** true for /wss and /tls/ws */
  secure: boolean
  /** the TLS server name from /tls/sni/<name>/ws; otherwise the DNS name, or none for an IP */
  servername?: string
  /** the HTTP path from /http-path, '/' without one */
  path: string
}

/** A listen address: `/ip4|ip6/<addr>/tcp/<port>/ws|wss|tls/ws` */
export interface ListenAddress {
  host: string
  port: number
  family: 4 | 6
  secure: boolean
}

const HOST_CODES = new Map<number, 0 | 4 | 6>([[CODE_IP4, 4], [CODE_IP6, 6], [CODE_DNS4, 4], [CODE_DNS6, 6], [CODE_DNS, 0]])
const DNS_CODES = new Set([CODE_DNS4, CODE_DNS6, CODE_DNS])

interface Parsed {
  hostCode: number
  host: string
  /** undefined when the address has no /tcp part */
  port?: number
  secure: boolean
  sni?: string
  path?: string
  peer?: string
}

function parsePort (value: string | undefined): number | undefined {
  const port = Number(value)
  return value != null && /^\d+$/.test(value) && port <= 65_535 ? port : undefined
}

/** reads components front to back */
class Reader {
  readonly #parts: Component[]
  #i = 0

  constructor (parts: Component[]) {
    this.#parts = parts
  }

  /** the next component if it has `code` (consumed), else undefined */
  take (code: number): Component | undefined {
    const part = this.#parts[this.#i]
    if (part?.code !== code) { return undefined }
    this.#i++
    return part
  }

  /** the next component if it is one of `codes` (consumed) */
  takeOneOf (codes: { has(code: number): boolean }): Component | undefined {
    const part = this.#parts[this.#i]
    if (part == null || !codes.has(part.code)) { return undefined }
    this.#i++
    return part
  }

  get done (): boolean {
    return this.#i === this.#parts.length
  }
}

/** `/ws`, `/wss`, `/tls/ws` or `/tls/sni/<name>/ws`: whether it is secure and the SNI name; undefined if none of them */
function parseKind (r: Reader): { secure: boolean, sni?: string } | undefined {
  if (r.take(CODE_WS) != null) { return { secure: false } }
  if (r.take(CODE_WSS) != null) { return { secure: true } }
  if (r.take(CODE_TLS) == null) { return undefined }
  const sni = r.take(CODE_SNI)
  if (sni != null && (sni.value == null || sni.value === '')) { return undefined }
  return r.take(CODE_WS) == null ? undefined : { secure: true, sni: sni?.value }
}

/**
 * Reads `<host>[/tcp/<port>](/ws | /wss | /tls/ws | /tls/sni/<name>/ws)[/http-path/<path>][/p2p/<id>]`;
 * undefined for anything else (a TCP-only address, /dnsaddr, a circuit address...)
 */
function parse (ma: Multiaddr): Parsed | undefined {
  const r = new Reader(ma.getComponents())
  const host = r.takeOneOf(HOST_CODES)
  if (host?.value == null || host.value === '') { return undefined }
  const tcp = r.take(CODE_TCP)
  const port = tcp == null ? undefined : parsePort(tcp.value)
  if (tcp != null && port == null) { return undefined }
  const kind = parseKind(r)
  if (kind == null) { return undefined }
  const path = r.take(CODE_HTTP_PATH)?.value
  const peer = r.take(CODE_P2P)?.value
  if (!r.done) { return undefined }
  return { hostCode: host.code, host: host.value, port, ...kind, path, peer }
}

/**
 * The WebSocket endpoint of a dial address. Accepts every form of the spec
 * (specs/libp2p/websockets): `/ws`, `/wss`, `/tls/ws` and `/tls/sni/<name>/ws` over
 * `/ip4`, `/ip6`, `/dns4`, `/dns6` or `/dns`, with or without `/tcp/<port>` (80 for ws, 443 for
 * wss without one), optionally followed by `/http-path/<path>` and `/p2p/<id>`. `/dnsaddr` is
 * not accepted: the node's resolver turns it into concrete addresses first.
 */
export function toDialAddress (ma: Multiaddr): WebSocketAddress | undefined {
  const p = parse(ma)
  if (p == null || p.port === 0) { return undefined }
  const family = HOST_CODES.get(p.hostCode) ?? 0
  const isDns = DNS_CODES.has(p.hostCode)
  return {
    host: p.host,
    port: p.port ?? (p.secure ? 443 : 80),
    family,
    secure: p.secure,
    servername: p.sni ?? (isDns && p.secure ? p.host : undefined),
    path: p.path ?? '/'
  }
}

/** `/ip4|ip6/<addr>/tcp/<port>` followed by `/ws`, `/wss` or `/tls/ws`; port 0 picks a free port */
export function toListenAddress (ma: Multiaddr): ListenAddress | undefined {
  const p = parse(ma)
  if (p == null || p.port == null || p.sni != null || p.path != null || p.peer != null) { return undefined }
  if (p.hostCode !== CODE_IP4 && p.hostCode !== CODE_IP6) { return undefined }
  return { host: p.host, port: p.port, family: p.hostCode === CODE_IP4 ? 4 : 6, secure: p.secure }
}

/** The URL to request. With /tls/sni the URL (so the Host header) names the SNI host */
export function toUrl (addr: WebSocketAddress): string {
  const name = addr.servername ?? addr.host
  const host = name.includes(':') ? `[${name}]` : name
  return `${addr.secure ? 'wss' : 'ws'}://${host}:${addr.port}${addr.path}`
}

/**
 * The multiaddr we publish for a bound socket address: `/ws`, and `/tls/ws` for TLS (the form
 * go-libp2p publishes and the spec lists first; every implementation we talk to dials it)
 */
export function toWebSocketMultiaddr (family: 4 | 6, host: string, port: number, secure: boolean): Multiaddr {
  return multiaddr(`/ip${family}/${host}/tcp/${port}${secure ? '/tls/ws' : '/ws'}`)
}
