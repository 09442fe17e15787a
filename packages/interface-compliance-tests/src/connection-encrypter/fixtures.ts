import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { messageStreamPair } from '@libp2p/utils'
import { deadline } from '../transport/stream-helpers.js'
import type { ConnectionEncrypter, KeyType, MessageStream, PeerId, PrivateKey, SecuredConnection } from '@libp2p/interface'

export type EncrypterFactory = (privateKey: PrivateKey) => ConnectionEncrypter

export interface ConnectionEncrypterTestFixtures {
  /** called before each test: returns a maker of encrypters, one per private key */
  setup(): Promise<EncrypterFactory>
  /** called after each test */
  teardown?(): Promise<void>
  /** key types the handshake is tried with (default Ed25519, secp256k1, ECDSA) */
  keyTypes?: KeyType[]
}

export interface Party {
  key: PrivateKey
  peerId: PeerId
  encrypter: ConnectionEncrypter
}

export async function party (factory: EncrypterFactory, type: KeyType = 'Ed25519'): Promise<Party> {
  const key = await generateKeyPair(type)
  return { key, peerId: peerIdFromPrivateKey(key), encrypter: factory(key) }
}

export interface Secured {
  outbound: SecuredConnection
  inbound: SecuredConnection
  /** the raw pair under the encrypted streams */
  raw: [MessageStream, MessageStream]
}

/** handshake `dialer` (outbound, expecting `listener`'s id) with `listener` over an in-memory pair */
export async function secure (dialer: Party, listener: Party): Promise<Secured> {
  const raw = messageStreamPair()
  const signal = deadline()
  const [outbound, inbound] = await Promise.all([
    dialer.encrypter.secureOutbound(raw[0], { remotePeer: listener.peerId, signal }),
    listener.encrypter.secureInbound(raw[1], { signal })
  ])
  return { outbound, inbound, raw }
}

/** deterministic pseudo-random bytes for garbage inputs */
export function noise (bytes: number, seed: number): Uint8Array {
  const out = new Uint8Array(bytes)
  let state = seed | 0 || 1
  for (let i = 0; i < bytes; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    out[i] = state & 0xff
  }
  return out
}

/** error names that carry no meaning: an encrypter must never fail with one */
export const UNTYPED_ERRORS = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError']
