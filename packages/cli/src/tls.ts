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
}

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
 * the certificate's. Every failure names the file, so a node never starts on a certificate a
 * browser would refuse for a reason it could have told.
 */
export async function readTlsFiles (certFile: string | undefined, keyFile: string | undefined): Promise<TlsFiles | undefined> {
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
  return { cert, key, names: x509.subjectAltName ?? x509.subject.replace(/\n/g, ', '), validTo: new Date(x509.validTo) }
}

/** a WebSocket address that needs a certificate to listen on: `/wss`, `/tls/ws`, `/tls/sni/<name>/ws` */
export function isSecureWebSocketAddress (addr: string): boolean {
  return /\/wss$/.test(addr) || (/\/ws$/.test(addr) && addr.includes('/tls/'))
}

/** `/ip4/0.0.0.0/tcp/4002/ws` -> `/ip4/0.0.0.0/tcp/4002/tls/ws`; every other address as it is */
export function secureWebSocketAddress (addr: string): string {
  return /\/ws$/.test(addr) && !isSecureWebSocketAddress(addr) ? `${addr.slice(0, -'/ws'.length)}/tls/ws` : addr
}
