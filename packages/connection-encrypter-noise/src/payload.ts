import { publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { InvalidMessageError, InvalidSignatureError, UnexpectedPeerError } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { MAX_EXTENSION_LIST_ENTRIES, STATIC_KEY_SIGNATURE_PREFIX } from './constants.js'
import { NoiseHandshakePayload } from './pb/payload.js'
import type { NoiseExtensions } from './pb/payload.js'
import type { PeerId, PrivateKey, PublicKey } from '@libp2p/interface'

const prefix = new TextEncoder().encode(STATIC_KEY_SIGNATURE_PREFIX)

/** the bytes the identity key signs: "noise-libp2p-static-key:" || the static X25519 public key */
export function staticKeySignedData (staticPublicKey: Uint8Array): Uint8Array {
  const data = new Uint8Array(prefix.byteLength + staticPublicKey.byteLength)
  data.set(prefix, 0)
  data.set(staticPublicKey, prefix.byteLength)
  return data
}

export async function signStaticKey (privateKey: PrivateKey, staticPublicKey: Uint8Array): Promise<Uint8Array> {
  return privateKey.sign(staticKeySignedData(staticPublicKey))
}

export function encodeHandshakePayload (identityKey: PublicKey, identitySig: Uint8Array, extensions?: { streamMuxers: string[], webtransportCerthashes: Uint8Array[] }): Uint8Array {
  // protons types its bytes fields as Uint8Array<ArrayBuffer>; any Uint8Array encodes the same
  return NoiseHandshakePayload.encode({
    identityKey: publicKeyToProtobuf(identityKey) as Uint8Array<ArrayBuffer>,
    identitySig: identitySig as Uint8Array<ArrayBuffer>,
    extensions: extensions as NoiseExtensions | undefined
  })
}

export interface VerifiedPayload {
  remotePeer: PeerId
  remoteExtensions?: NoiseExtensions
}

/**
 * Decode the remote's payload, check that its identity key signed the static key the handshake
 * proved, and that the peer is the one expected (when one is).
 */
export async function verifyHandshakePayload (payload: Uint8Array, remoteStaticKey: Uint8Array, expectedPeer?: PeerId): Promise<VerifiedPayload> {
  let decoded: NoiseHandshakePayload
  try {
    decoded = NoiseHandshakePayload.decode(payload, {
      limits: { extensions: { streamMuxers: MAX_EXTENSION_LIST_ENTRIES, webtransportCerthashes: MAX_EXTENSION_LIST_ENTRIES } }
    })
  } catch (err: any) {
    throw new InvalidMessageError(`the Noise handshake payload could not be decoded: ${err?.message ?? err}`)
  }
  if (decoded.identityKey.byteLength === 0 || decoded.identitySig.byteLength === 0) {
    throw new InvalidMessageError('the Noise handshake payload lacks the identity key or its signature')
  }
  let publicKey: PublicKey
  try {
    publicKey = publicKeyFromProtobuf(decoded.identityKey)
  } catch (err: any) {
    if (typeof err?.name === 'string' && err.name !== 'Error' && err.name !== 'TypeError' && err.name !== 'RangeError') { throw err }
    throw new InvalidMessageError(`the Noise handshake payload has an unusable identity key: ${err?.message ?? err}`)
  }
  const valid = await publicKey.verify(staticKeySignedData(remoteStaticKey), decoded.identitySig)
  if (!valid) {
    throw new InvalidSignatureError('the identity key did not sign the Noise static key')
  }
  const remotePeer = peerIdFromPublicKey(publicKey)
  if (expectedPeer != null && !expectedPeer.equals(remotePeer)) {
    throw new UnexpectedPeerError(`expected peer ${expectedPeer.toString()} but ${remotePeer.toString()} answered`)
  }
  return { remotePeer, remoteExtensions: decoded.extensions }
}
