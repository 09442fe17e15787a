/**
 * ECDSA / SHA-256 on WebCrypto (asynchronous); WebCrypto's r || s signatures are converted to
 * and from DER. The synchronous checks (public point on the curve, public point of a private
 * scalar) use `@noble/curves`: WebCrypto has no synchronous API.
 */
import { InvalidPrivateKeyError, InvalidPublicKeyError } from '@libp2p/interface'
import { p256, p384, p521 } from '@noble/curves/nist.js'
import { toArrayBufferView } from '../../util/bytes.js'
import { signatureFromDER, signatureToDER } from './der.js'
import { ecPartsFromJwk, ecPrivateJwk, ecPublicJwk } from './jwk.js'
import type { CurveInfo, ECDSACurve } from './curves.js'

const NOBLE = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } satisfies Record<ECDSACurve, unknown>
const SIGN_PARAMS: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' }

export async function generate (curve: CurveInfo): Promise<{ d: Uint8Array, point: Uint8Array }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve.name }, true, ['sign', 'verify'])

  return ecPartsFromJwk(await crypto.subtle.exportKey('jwk', pair.privateKey))
}

export function publicPointFromPrivate (curve: CurveInfo, d: Uint8Array): Uint8Array {
  // throws for 0 and scalars >= the group order
  return NOBLE[curve.name].getPublicKey(d, false)
}

export function createSigner (curve: CurveInfo, d: Uint8Array, point: Uint8Array): (data: Uint8Array) => Promise<Uint8Array> {
  let key: Promise<CryptoKey> | undefined

  return async (data) => {
    key ??= crypto.subtle.importKey('jwk', ecPrivateJwk(curve, d, point), { name: 'ECDSA', namedCurve: curve.name }, false, ['sign'])

    let cryptoKey: CryptoKey
    try {
      cryptoKey = await key
    } catch (err: any) {
      throw new InvalidPrivateKeyError(`WebCrypto refused the ECDSA private key: ${String(err?.message ?? err)}`)
    }

    return signatureToDER(new Uint8Array(await crypto.subtle.sign(SIGN_PARAMS, cryptoKey, toArrayBufferView(data))))
  }
}

export function createVerifier (curve: CurveInfo, point: Uint8Array): (data: Uint8Array, sig: Uint8Array) => Promise<boolean> {
  // WebCrypto only imports asynchronously, so check the point here to fail at decode time as node does
  try {
    // fromBytes() checks the point is on the curve
    NOBLE[curve.name].Point.fromBytes(point)
  } catch {
    throw new InvalidPublicKeyError(`ECDSA ${curve.name} public key is not a point on the curve`)
  }

  let key: Promise<CryptoKey> | undefined

  return async (data, sig) => {
    const raw = signatureFromDER(sig, curve.fieldBytes)

    if (raw == null) {
      return false
    }

    try {
      key ??= crypto.subtle.importKey('jwk', ecPublicJwk(curve, point), { name: 'ECDSA', namedCurve: curve.name }, false, ['verify'])

      return await crypto.subtle.verify(SIGN_PARAMS, await key, toArrayBufferView(raw), toArrayBufferView(data))
    } catch {
      return false
    }
  }
}
