/** The NIST curves libp2p ECDSA keys use (P-256 is what go-libp2p generates; P-384 and P-521 decode too) */
export type ECDSACurve = 'P-256' | 'P-384' | 'P-521'

export interface CurveInfo {
  name: ECDSACurve
  /** named-curve OID contents */
  oid: Uint8Array
  /** size of a coordinate, of the private scalar and of r and s */
  fieldBytes: number
}

export const CURVES: Record<ECDSACurve, CurveInfo> = {
  // 1.2.840.10045.3.1.7 prime256v1
  'P-256': { name: 'P-256', oid: Uint8Array.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]), fieldBytes: 32 },
  // 1.3.132.0.34 secp384r1
  'P-384': { name: 'P-384', oid: Uint8Array.from([0x2b, 0x81, 0x04, 0x00, 0x22]), fieldBytes: 48 },
  // 1.3.132.0.35 secp521r1
  'P-521': { name: 'P-521', oid: Uint8Array.from([0x2b, 0x81, 0x04, 0x00, 0x23]), fieldBytes: 66 }
}

/** The curve of `generateKeyPair('ECDSA', bits)` */
export function curveFromBits (bits: number): ECDSACurve | undefined {
  return ({ 256: 'P-256', 384: 'P-384', 521: 'P-521' } as const)[bits]
}

/** 1.2.840.10045.2.1 ecPublicKey */
export const EC_PUBLIC_KEY_OID = Uint8Array.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01])
