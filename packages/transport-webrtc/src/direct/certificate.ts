// Node only: the listener's self-signed ECDSA P-256 certificate. The key pair and the signature
// come from node:crypto; this file only writes the X.509 DER structure around them (RFC 5280).
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto'

/** a listener certificate as js-libp2p's `TransportCertificate`: PEM texts and the multibase certhash */
export interface TransportCertificate {
  /** the PKCS #8 private key, PEM */
  privateKey: string
  /** the X.509 certificate, PEM */
  pem: string
  /** the base64url multibase of the SHA-256 multihash of the certificate's DER */
  certhash: string
}

function der (tag: number, content: Uint8Array): Uint8Array {
  const n = content.byteLength
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]
  return Uint8Array.from([tag, ...len, ...content])
}

function concat (...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap(p => [...p]))
}

const seq = (...parts: Uint8Array[]): Uint8Array => der(0x30, concat(...parts))
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)

/** ecdsa-with-SHA256, 1.2.840.10045.4.3.2 */
const ECDSA_SHA256 = seq(Uint8Array.from([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]))
/** CN=libp2p */
const NAME = seq(der(0x31, seq(Uint8Array.from([0x06, 0x03, 0x55, 0x04, 0x03]), der(0x0c, ascii('libp2p')))))

/** GeneralizedTime (valid for every year, unlike UTCTime) */
function time (date: Date): Uint8Array {
  const iso = date.toISOString() // YYYY-MM-DDTHH:MM:SS.sssZ
  return der(0x18, ascii(iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'))
}

function pem (label: string, bytes: Uint8Array): string {
  const lines = Buffer.from(bytes).toString('base64').match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/** the DER of a PEM text's first block */
export function pemToDer (text: string): Uint8Array {
  const body = text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return new Uint8Array(Buffer.from(body, 'base64'))
}

/** the SHA-256 digest of a certificate's DER: its DTLS fingerprint */
export function certificateFingerprint (certPem: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(pemToDer(certPem)).digest())
}

/** a certificate's validity starts this long before it was made, so a peer whose clock is behind accepts it, ms */
export const CERTIFICATE_BACKDATE_MS = 86_400_000

/** a listener certificate in use: PEM texts, the DTLS fingerprint and the end of its validity */
export interface ListenerCertificate {
  pem: string
  privateKey: string
  fingerprint: Uint8Array
  /** notAfter, ms since the epoch */
  expires: number
}

/**
 * A fresh self-signed ECDSA P-256 certificate valid from CERTIFICATE_BACKDATE_MS before `now`
 * until `now + lifespanMs`, with its key (PEM) and its SHA-256 fingerprint.
 */
export function generateCertificate (lifespanMs: number, now: number = Date.now()): ListenerCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const serial = randomBytes(8)
  serial[0] &= 0x7f
  serial[0] |= 0x01 // positive and minimally encoded
  // whole seconds: GeneralizedTime has no fraction here, and `expires` must equal what a reader parses
  const expires = Math.floor((now + lifespanMs) / 1000) * 1000
  const tbs = seq(
    der(0xa0, der(0x02, Uint8Array.of(2))), // version v3
    der(0x02, serial),
    ECDSA_SHA256,
    NAME,
    seq(time(new Date(now - CERTIFICATE_BACKDATE_MS)), time(new Date(expires))),
    NAME,
    new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))
  )
  const signature = sign('sha256', tbs, privateKey) // DER ECDSA-Sig-Value
  const cert = seq(tbs, ECDSA_SHA256, der(0x03, concat(Uint8Array.of(0), signature)))
  const certPem = pem('CERTIFICATE', cert)
  return {
    pem: certPem,
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: certificateFingerprint(certPem),
    expires
  }
}

/**
 * A certificate and its private key read back from PEM: undefined when either does not parse or
 * the key is not the certificate's (a stored pair that cannot serve is replaced, not used).
 */
export function readCertificate (pem: string, privateKey: string): ListenerCertificate | undefined {
  try {
    const cert = new X509Certificate(pem)
    if (!cert.checkPrivateKey(createPrivateKey(privateKey))) { return undefined }
    const expires = new Date(cert.validTo).getTime()
    if (!Number.isFinite(expires)) { return undefined }
    return { pem, privateKey, fingerprint: certificateFingerprint(pem), expires }
  } catch {
    return undefined
  }
}
