/**
 * Turning bytes, strings and CIDs into the multihash a peer id is made of, strictly: anything
 * that does not name a peer gives an InvalidPeerIdError (bad data) or an InvalidParametersError
 * (an argument of the wrong kind), never another error.
 */
import { InvalidParametersError, InvalidPeerIdError } from '@libp2p/interface'
import { base58btc } from 'multiformats/bases/base58'
import { bases } from 'multiformats/basics'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { CID_V1, IDENTITY_CODE, LIBP2P_KEY_CODE, MAX_INLINE_KEY_BYTES, MAX_PEER_ID_STRING_CHARS, SHA256_CODE, SHA256_DIGEST_BYTES } from './constants.js'
import type { MultibaseDecoder } from 'multiformats/bases/interface'
import type { MultihashDigest } from 'multiformats/hashes/interface'

/** The multihash of a peer id: an inline key protobuf or the sha2-256 of a larger one */
export type PeerIdMultihash = MultihashDigest<typeof IDENTITY_CODE> | MultihashDigest<typeof SHA256_CODE>

/** every multibase this build knows by prefix, except `identity` (raw text is never a peer id) */
const MULTIBASES = new Map<string, MultibaseDecoder<string>>(
  Object.values(bases)
    .filter(codec => codec.name !== 'identity')
    .map(codec => [codec.prefix, codec])
)

function decodeMultibase (str: string): Uint8Array {
  const prefix = String.fromCodePoint(str.codePointAt(0) ?? 0)
  const codec = MULTIBASES.get(prefix)

  if (codec == null) {
    throw new InvalidPeerIdError(`A peer id string is base58btc starting with 1 or Qm, or a multibase CID; "${prefix}" is neither`)
  }

  return codec.decode(str)
}

/**
 * Parses the bytes of a multihash that can name a peer. Both codes and all valid lengths
 * fit in one varint byte each, so a longer (or non-minimal) varint is rejected as well.
 */
export function multihashFromBytes (bytes: Uint8Array): PeerIdMultihash {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidParametersError('A multihash must be given as a Uint8Array')
  }

  if (bytes.byteLength < 2) {
    throw new InvalidPeerIdError(`A peer id multihash is at least 2 bytes, got ${bytes.byteLength}`)
  }

  const code = bytes[0]
  const length = bytes[1]

  if (code === IDENTITY_CODE) {
    if (length > MAX_INLINE_KEY_BYTES) {
      throw new InvalidPeerIdError(`An identity peer id inlines at most ${MAX_INLINE_KEY_BYTES} bytes of key, got ${length}`)
    }
  } else if (code === SHA256_CODE) {
    if (length !== SHA256_DIGEST_BYTES) {
      throw new InvalidPeerIdError(`A sha2-256 peer id digest is ${SHA256_DIGEST_BYTES} bytes, got ${length}`)
    }
  } else {
    throw new InvalidPeerIdError(`A peer id multihash is identity (0x00) or sha2-256 (0x12), got code 0x${code.toString(16)}`)
  }

  if (bytes.byteLength !== 2 + length) {
    throw new InvalidPeerIdError(`The multihash says its digest is ${length} bytes but ${bytes.byteLength - 2} follow`)
  }

  // copy, so later changes to the caller's buffer do not change the id
  return createDigest(code, bytes.slice(2)) as PeerIdMultihash
}

/**
 * Checks a multihash object from a caller or a CID: it must name a peer, and its code and
 * digest must agree with its bytes
 */
export function checkMultihash (multihash: MultihashDigest<number>): PeerIdMultihash {
  if (multihash == null || !(multihash.bytes instanceof Uint8Array) || !(multihash.digest instanceof Uint8Array)) {
    throw new InvalidParametersError('Expected a multihash digest with code, digest and bytes')
  }

  const parsed = multihashFromBytes(multihash.bytes)

  if (parsed.code !== multihash.code || !uint8ArrayEquals(parsed.digest, multihash.digest)) {
    throw new InvalidPeerIdError('The multihash code or digest does not match its bytes')
  }

  return parsed
}

/** The multihash inside a CID that names a peer (CIDv1 with the libp2p-key codec) */
export function multihashFromCID (cid: CID): PeerIdMultihash {
  let parsed: CID | null = null

  try {
    parsed = CID.asCID(cid)
  } catch {
    // a hostile object that looks like an old CID; treated as not a CID below
  }

  if (parsed == null) {
    throw new InvalidParametersError('Expected a CID')
  }

  if (parsed.version !== 1) {
    throw new InvalidPeerIdError(`A peer id CID is CIDv1, got CIDv${parsed.version}`)
  }

  if (parsed.code !== LIBP2P_KEY_CODE) {
    throw new InvalidPeerIdError(`A peer id CID has the libp2p-key codec (0x${LIBP2P_KEY_CODE.toString(16)}), got 0x${parsed.code.toString(16)}`)
  }

  return checkMultihash(parsed.multihash)
}

/**
 * The multihash named by a peer id string:
 * `1...` or `Qm...` is a bare base58btc multihash (the legacy, canonical text form). Anything
 * else is multibase: a CIDv1 with the libp2p-key codec (`bafz...`, `k51...`), or, as js-libp2p
 * also accepts, a multibase-encoded bare multihash (`z12D3Koo...`).
 *
 * `decoder` restricts the multibases accepted; by default every known multibase is.
 */
export function multihashFromString (str: string, decoder?: MultibaseDecoder<string>): PeerIdMultihash {
  if (typeof str !== 'string') {
    throw new InvalidParametersError('A peer id string must be a string')
  }

  if (str.length === 0) {
    throw new InvalidPeerIdError('A peer id string cannot be empty')
  }

  if (str.length > MAX_PEER_ID_STRING_CHARS) {
    throw new InvalidPeerIdError(`A peer id string is at most ${MAX_PEER_ID_STRING_CHARS} characters, got ${str.length}`)
  }

  let bytes: Uint8Array

  try {
    if (str.charAt(0) === '1' || str.charAt(0) === 'Q') {
      bytes = base58btc.baseDecode(str)
    } else if (decoder != null) {
      bytes = decoder.decode(str)
    } else {
      bytes = decodeMultibase(str)
    }
  } catch (err: any) {
    if (err?.name === InvalidPeerIdError.name) {
      throw err
    }

    throw new InvalidPeerIdError(`Could not decode peer id string: ${err?.message}`, { cause: err })
  }

  if (bytes[0] !== CID_V1) {
    return multihashFromBytes(bytes)
  }

  let cid: CID

  try {
    cid = CID.decode(bytes)
  } catch (err: any) {
    throw new InvalidPeerIdError(`Could not decode peer id CID: ${err?.message}`, { cause: err })
  }

  return multihashFromCID(cid)
}
