import { X509Certificate, createPrivateKey } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { TlsFileError, UsageError } from './errors.js'

/** the wss listener's certificate (chain) and private key, PEM, as https.createServer takes them */
export interface TlsFiles {
  cert: string
  key: string
  /** the first certificate's subject alternative names and end of validity, for the start-up line */
  names: string
  validTo: Date
  /** set when browsers would refuse the certificate now or within TLS_EXPIRY_WARNING_MS: the node still serves it */
  warning?: string
}

/** a certificate that expires sooner than this gets a warning at start (Let's Encrypt renews 30 days ahead), ms */
export const TLS_EXPIRY_WARNING_MS = 14 * 24 * 60 * 60 * 1000

/** what to do about an old certificate: only the node has a SIGHUP handler */
const RENEW = 'renew it, then send libp2p node SIGHUP (libp2p relay: restart it)'

async function readPem (path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err: any) {
    throw new TlsFileError(`the TLS ${what} file ${path} cannot be read: ${err.message}`, { cause: err })
  }
}

/**
 * Reads and checks `--tls-cert` and `--tls-key` before anything starts: both or neither (a usage
 * error otherwise); each must parse (a PEM certificate, a PEM private key), and the key must be
 * the certificate's. Every failure names the file, so a node never starts on files it cannot
 * serve. A certificate outside its validity at `now`, or within TLS_EXPIRY_WARNING_MS of its end,
 * is served but comes with a `warning` (refusing it would also take down TCP and WebRTC-Direct).
 */
export async function readTlsFiles (certFile: string | undefined, keyFile: string | undefined, now: number = Date.now()): Promise<TlsFiles | undefined> {
  if (certFile == null && keyFile == null) { return undefined }
  if (certFile == null || keyFile == null) {
    throw new UsageError('--tls-cert and --tls-key go together: give both (the certificate and its private key, PEM) or neither')
  }
  const certPath = resolve(certFile)
  const keyPath = resolve(keyFile)
  const cert = await readPem(certPath, 'certificate')
  const key = await readPem(keyPath, 'key')
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch (err: any) {
    throw new TlsFileError(`the TLS certificate file ${certPath} holds no PEM certificate: ${err.message}`, { cause: err })
  }
  let privateKey
  try {
    privateKey = createPrivateKey(key)
  } catch (err: any) {
    throw new TlsFileError(`the TLS key file ${keyPath} holds no (unencrypted) PEM private key: ${err.message}`, { cause: err })
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsFileError(`the TLS key in ${keyPath} is not the private key of the certificate in ${certPath}`)
  }
  const validTo = new Date(x509.validTo)
  const validFrom = new Date(x509.validFrom)
  let warning: string | undefined
  if (validTo.getTime() <= now) {
    warning = `the TLS certificate in ${certPath} expired on ${validTo.toISOString()}: browsers refuse it (${RENEW})`
  } else if (validFrom.getTime() > now) {
    warning = `the TLS certificate in ${certPath} is valid only from ${validFrom.toISOString()}: browsers refuse it until then`
  } else if (validTo.getTime() - now < TLS_EXPIRY_WARNING_MS) {
    warning = `the TLS certificate in ${certPath} expires on ${validTo.toISOString()}: ${RENEW}`
  }
  return { cert, key, names: x509.subjectAltName ?? x509.subject.replace(/\n/g, ', '), validTo, warning }
}

/** a WebSocket address that needs a certificate to listen on: `/wss`, `/tls/ws`, `/tls/sni/<name>/ws` */
export function isSecureWebSocketAddress (addr: string): boolean {
  return /\/wss$/.test(addr) || (/\/ws$/.test(addr) && addr.includes('/tls/'))
}

/** `/ip4/0.0.0.0/tcp/4002/ws` -> `/ip4/0.0.0.0/tcp/4002/tls/ws`; every other address as it is */
export function secureWebSocketAddress (addr: string): string {
  return /\/ws$/.test(addr) && !isSecureWebSocketAddress(addr) ? `${addr.slice(0, -'/ws'.length)}/tls/ws` : addr
}
