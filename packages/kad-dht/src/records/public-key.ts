import { publicKeyFromProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { InvalidRecordError } from './errors.js'
import { peerIdOfKey } from './keys.js'
import type { SelectFn, ValidateFn } from '../types.js'

/**
 * `/pk/<peer id multihash>` holds that peer's public key (protobuf PublicKey). It is valid when
 * the key hashes to the peer id the record key names, so nobody can store another key there.
 */
export const validatePublicKeyRecord: ValidateFn = (key, value) => {
  const expected = peerIdOfKey(key)
  let publicKey
  try {
    publicKey = publicKeyFromProtobuf(value)
  } catch (err: any) {
    throw new InvalidRecordError(`/pk/ value is not a public key: ${err.message}`)
  }
  if (!uint8ArrayEquals(peerIdFromPublicKey(publicKey).toMultihash().bytes, expected.toMultihash().bytes)) {
    throw new InvalidRecordError('/pk/ value is not the public key of the peer the key names')
  }
}

/** every valid /pk/ value for a key is the same key, so any will do (go returns the first) */
export const selectPublicKeyRecord: SelectFn = () => 0
