import { peerIdFromMultihash } from '@libp2p/peer-id'
import { base32hex } from 'multiformats/bases/base32'
import * as Digest from 'multiformats/hashes/digest'
import { InvalidRecordError } from './errors.js'
import type { PeerId } from '@libp2p/interface'

const SLASH = 0x2f
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The namespace of a record key: `pk` for `/pk/...`, `ipns` for `/ipns/...`. As go's SplitKey:
 * the key starts with '/', the namespace is non-empty and ends at the next '/'; anything else
 * has no namespace (undefined), so no validator accepts it.
 */
export function namespaceOf (key: Uint8Array): string | undefined {
  if (key.length < 2 || key[0] !== SLASH) { return undefined }
  const end = key.indexOf(SLASH, 1)
  if (end <= 1) { return undefined }
  try {
    return utf8.decode(key.subarray(1, end))
  } catch {
    return undefined
  }
}

/** the bytes after `/<namespace>/` */
export function keyRemainder (key: Uint8Array): Uint8Array {
  return key.subarray(key.indexOf(SLASH, 1) + 1)
}

/** the peer id a `/pk/` or `/ipns/` key names; InvalidRecordError when the bytes are not one */
export function peerIdOfKey (key: Uint8Array): PeerId {
  try {
    return peerIdFromMultihash(Digest.decode(keyRemainder(key)))
  } catch (err: any) {
    throw new InvalidRecordError(`the key does not name a peer id: ${err.message}`)
  }
}

/**
 * A datastore key part for arbitrary bytes: base32hex keeps the bytes' order (LevelDB then walks
 * records in key order) and has no '/' that would split the datastore key.
 */
export function datastoreKeyPart (bytes: Uint8Array): string {
  return base32hex.baseEncode(bytes)
}

export function fromDatastoreKeyPart (text: string): Uint8Array {
  return base32hex.baseDecode(text)
}
