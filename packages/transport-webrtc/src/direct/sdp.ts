import { InvalidMultiaddrError } from '@libp2p/interface'
import { base58btc } from 'multiformats/bases/base58'
import { base64url } from 'multiformats/bases/base64'
import type { Multiaddr } from '@multiformats/multiaddr'

/** the multihash code of SHA-256 and its digest size */
const SHA2_256 = 0x12
const SHA2_256_BYTES = 32
const NOISE_PROLOGUE_PREFIX = new TextEncoder().encode('libp2p-webrtc-noise:')

export interface DirectAddress {
  host: string
  port: number
  /** the SHA-256 digest the certhash names */
  fingerprint: Uint8Array
  peerId?: string
}

/** `/ip4/<ip>/udp/<port>/webrtc-direct/certhash/<multibase sha-256 multihash>[/p2p/<peer>]`, else undefined */
export function parseDirectAddress (ma: Multiaddr): DirectAddress | undefined {
  const parts = ma.getComponents()
  // ip, udp, webrtc-direct, certhash, an optional /p2p (and, as before, one component after it):
  // a listener reports its own address without /p2p, and that must be dialable
  if (parts.length < 4 || parts.length > 6) { return undefined }
  const [ip, udp, direct, certhash, p2p] = parts
  if ((ip.name !== 'ip4' && ip.name !== 'ip6') || udp.name !== 'udp' || direct.name !== 'webrtc-direct' || certhash.name !== 'certhash') { return undefined }
  if (p2p != null && p2p.name !== 'p2p') { return undefined }
  const port = Number(udp.value)
  if (ip.value == null || !Number.isInteger(port) || port < 1 || port > 65535 || certhash.value == null) { return undefined }
  return { host: ip.value, port, fingerprint: certhashDigest(certhash.value, ma), peerId: p2p?.value }
}

function certhashDigest (value: string, ma: Multiaddr): Uint8Array {
  let mh: Uint8Array
  try {
    mh = value.startsWith('u') ? base64url.decode(value) : base58btc.decode(value)
  } catch (err: any) {
    throw new InvalidMultiaddrError(`${ma.toString()}: the certhash is not multibase base64url or base58btc (${err.message})`)
  }
  if (mh.byteLength !== 2 + SHA2_256_BYTES || mh[0] !== SHA2_256 || mh[1] !== SHA2_256_BYTES) {
    throw new InvalidMultiaddrError(`${ma.toString()}: the certhash is not a SHA-256 multihash`)
  }
  return mh.subarray(2)
}

/** the dialable WebRTC-Direct addresses among `multiaddrs` */
export function dialableDirectAddresses (multiaddrs: Multiaddr[]): Multiaddr[] {
  return multiaddrs.filter(ma => {
    try { return parseDirectAddress(ma) != null } catch { return false }
  })
}

export function fingerprintMultihash (digest: Uint8Array): Uint8Array {
  return Uint8Array.from([SHA2_256, digest.byteLength, ...digest])
}

export function certhash (digest: Uint8Array): string {
  return base64url.encode(fingerprintMultihash(digest))
}

/** `AB:CD:…` as SDP writes fingerprints */
export function sdpFingerprint (digest: Uint8Array): string {
  return [...digest].map(b => b.toString(16).padStart(2, '0').toUpperCase()).join(':')
}

/** the digest of an SDP fingerprint (`sha-256 AB:CD:…` or `AB:CD:…`) */
export function parseSdpFingerprint (text: string): Uint8Array {
  const hex = text.trim().split(/\s+/).pop() ?? ''
  const bytes = hex.split(':').map(h => parseInt(h, 16))
  if (bytes.length !== SHA2_256_BYTES || bytes.some(b => !Number.isInteger(b) || b < 0 || b > 255)) {
    throw new InvalidMultiaddrError(`not a SHA-256 fingerprint: ${text}`)
  }
  return Uint8Array.from(bytes)
}

/** the spec's Noise prologue: prefix, then the client's (A, responder) then the server's (B, initiator) fingerprint multihash */
export function noisePrologue (client: Uint8Array, server: Uint8Array): Uint8Array {
  return Uint8Array.from([...NOISE_PROLOGUE_PREFIX, ...fingerprintMultihash(client), ...fingerprintMultihash(server)])
}

/** a fresh ICE ufrag, used as the password too (the spec's `libp2p+webrtc+v1/` prefix) */
export function newUfrag (): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16))
  return `libp2p+webrtc+v1/${[...bytes].map(b => b.toString(16).padStart(2, '0')).join('')}`
}

/**
 * The SDP the other side never sent: the dialer invents the listener's answer (ICE lite, the
 * certhash's fingerprint, passive DTLS), the listener the dialer's offer (active DTLS; a fingerprint
 * it does not check, the Noise prologue binds the real one).
 */
export function inventedDescription (opts: { host: string, port: number, ufrag: string, fingerprint: Uint8Array, role: 'dialer-answer' | 'listener-offer' }): string {
  const ipv = opts.host.includes(':') ? 'IP6' : 'IP4'
  return [
    'v=0',
    `o=- 0 0 IN ${ipv} ${opts.host}`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    `m=application ${opts.port} UDP/DTLS/SCTP webrtc-datachannel`,
    `c=IN ${ipv} ${opts.host}`,
    'a=mid:0',
    opts.role === 'dialer-answer' ? 'a=ice-lite' : 'a=ice-options:ice2',
    `a=ice-ufrag:${opts.ufrag}`,
    `a=ice-pwd:${opts.ufrag}`,
    `a=fingerprint:sha-256 ${sdpFingerprint(opts.fingerprint)}`,
    opts.role === 'dialer-answer' ? 'a=setup:passive' : 'a=setup:active',
    'a=sctp-port:5000',
    'a=max-message-size:16384',
    `a=candidate:1467250027 1 UDP 1467250027 ${opts.host} ${opts.port} typ host`,
    'a=end-of-candidates',
    ''
  ].join('\r\n')
}
