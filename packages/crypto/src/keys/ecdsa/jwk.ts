import { fromBase64url, toBase64url } from '../../util/base64url.js'
import { pointCoordinates, pointFromCoordinates } from './der.js'
import type { CurveInfo } from './curves.js'

/** EC keys as JWK (both node:crypto and WebCrypto import JWK faster than DER, and WebCrypto has no SEC1 import) */
export function ecPublicJwk (curve: CurveInfo, point: Uint8Array): JsonWebKey {
  const { x, y } = pointCoordinates(curve, point)

  return { kty: 'EC', crv: curve.name, x: toBase64url(x), y: toBase64url(y) }
}

export function ecPrivateJwk (curve: CurveInfo, d: Uint8Array, point: Uint8Array): JsonWebKey {
  return { ...ecPublicJwk(curve, point), d: toBase64url(d) }
}

export function ecPartsFromJwk (jwk: JsonWebKey): { d: Uint8Array, point: Uint8Array } {
  return { d: fromBase64url(jwk.d), point: pointFromCoordinates(fromBase64url(jwk.x), fromBase64url(jwk.y)) }
}
