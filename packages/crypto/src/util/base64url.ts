import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'

/** Unpadded base64url, as JWK members are written */
export function toBase64url (buf: Uint8Array): string {
  return toString(buf, 'base64url')
}

export function fromBase64url (str: string | undefined): Uint8Array {
  return fromString(str ?? '', 'base64url')
}
