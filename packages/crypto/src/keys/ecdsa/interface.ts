import type { CurveInfo } from './curves.js'
import type { Await } from '@libp2p/interface'

/** What the platform supplies for ECDSA with SHA-256 and DER signatures (impl.ts: node:crypto, impl.browser.ts: WebCrypto) */
export interface ECDSAImpl {
  /** a new key pair: the padded private scalar and the uncompressed public point */
  generate(curve: CurveInfo): Promise<{ d: Uint8Array, point: Uint8Array }>
  /** the uncompressed public point of a private scalar; throws when the scalar is out of range */
  publicPointFromPrivate(curve: CurveInfo, d: Uint8Array): Uint8Array
  /** a signing function producing DER signatures */
  createSigner(curve: CurveInfo, d: Uint8Array, point: Uint8Array): (data: Uint8Array) => Await<Uint8Array>
  /**
   * a verifying function taking DER signatures; throws at once when the point is not on the curve,
   * the returned function returns false (never throws) for a malformed signature
   */
  createVerifier(curve: CurveInfo, point: Uint8Array): (data: Uint8Array, sig: Uint8Array) => Await<boolean>
}
