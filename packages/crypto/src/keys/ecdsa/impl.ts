/** ECDSA / SHA-256 on node:crypto: synchronous, DER signatures, key objects built once */
import { createECDH, createPrivateKey, createPublicKey, generateKeyPair, sign, verify } from 'node:crypto'
import { promisify } from 'node:util'
import { ecPartsFromJwk, ecPrivateJwk, ecPublicJwk } from './jwk.js'
import type { CurveInfo, ECDSACurve } from './curves.js'

const generateKeyPairAsync = promisify(generateKeyPair)

/** OpenSSL's names for createECDH */
const ECDH_NAMES: Record<ECDSACurve, string> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1'
}

export async function generate (curve: CurveInfo): Promise<{ d: Uint8Array, point: Uint8Array }> {
  const { privateKey } = await generateKeyPairAsync('ec', { namedCurve: curve.name })

  return ecPartsFromJwk(privateKey.export({ format: 'jwk' }))
}

export function publicPointFromPrivate (curve: CurveInfo, d: Uint8Array): Uint8Array {
  // setPrivateKey refuses 0 and scalars >= the group order
  const ecdh = createECDH(ECDH_NAMES[curve.name])
  ecdh.setPrivateKey(d)
  const point = ecdh.getPublicKey()

  return new Uint8Array(point)
}

export function createSigner (curve: CurveInfo, d: Uint8Array, point: Uint8Array): (data: Uint8Array) => Uint8Array {
  const key = createPrivateKey({ key: ecPrivateJwk(curve, d, point) as any, format: 'jwk' })

  return (data) => {
    const sig = sign('sha256', data, { key, dsaEncoding: 'der' })

    return new Uint8Array(sig.buffer, sig.byteOffset, sig.byteLength)
  }
}

export function createVerifier (curve: CurveInfo, point: Uint8Array): (data: Uint8Array, sig: Uint8Array) => boolean {
  // importing checks the point is on the curve
  const key = createPublicKey({ key: ecPublicJwk(curve, point) as any, format: 'jwk' })

  return (data, sig) => {
    try {
      return verify('sha256', data, { key, dsaEncoding: 'der' }, sig)
    } catch {
      return false
    }
  }
}
