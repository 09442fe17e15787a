import { fromBase64url, toBase64url } from '../../util/base64url.js'
import type { RSAPrivateParts, RSAPublicParts } from './der.js'

/** RSA numbers as a JWK (both node:crypto and WebCrypto import JWK faster than DER) */
export function rsaPublicJwk (parts: RSAPublicParts): JsonWebKey {
  return { kty: 'RSA', n: toBase64url(parts.n), e: toBase64url(parts.e) }
}

export function rsaPrivateJwk (parts: RSAPrivateParts): JsonWebKey {
  return {
    ...rsaPublicJwk(parts),
    d: toBase64url(parts.d),
    p: toBase64url(parts.p),
    q: toBase64url(parts.q),
    dp: toBase64url(parts.dp),
    dq: toBase64url(parts.dq),
    qi: toBase64url(parts.qi)
  }
}

/** Strips the leading zero bytes JWK encoders may leave in */
function magnitude (str: string | undefined): Uint8Array {
  const buf = fromBase64url(str)
  let start = 0
  while (start < buf.byteLength - 1 && buf[start] === 0) {
    start++
  }

  return buf.subarray(start)
}

export function rsaPartsFromJwk (jwk: JsonWebKey): RSAPrivateParts {
  return {
    n: magnitude(jwk.n),
    e: magnitude(jwk.e),
    d: magnitude(jwk.d),
    p: magnitude(jwk.p),
    q: magnitude(jwk.q),
    dp: magnitude(jwk.dp),
    dq: magnitude(jwk.dq),
    qi: magnitude(jwk.qi)
  }
}
