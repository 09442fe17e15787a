/**
 * @packageDocumentation
 *
 * libp2p keys: Ed25519 (the default), secp256k1, RSA and ECDSA. Generate them, sign and verify,
 * and move them through the libp2p key protobuf, their raw encodings and identity multihashes.
 *
 * @example
 *
 * ```ts
 * import { generateKeyPair, publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
 *
 * const key = await generateKeyPair('Ed25519')
 * const sig = await key.sign(data)
 * const remote = publicKeyFromProtobuf(publicKeyToProtobuf(key.publicKey))
 * await remote.verify(data, sig) // true
 * remote.toString() // 12D3KooW...
 * ```
 */
export { generateKeyPair, generateKeyPairFromSeed } from './generate.js'
export { privateKeyFromProtobuf, privateKeyToProtobuf, publicKeyFromMultihash, publicKeyFromProtobuf, publicKeyToProtobuf } from './protobuf.js'
export { privateKeyFromRaw, publicKeyFromRaw } from './raw.js'
export { ed25519PrivateKeyFromRaw, ed25519PublicKeyFromRaw, generateEd25519KeyPair, generateEd25519KeyPairFromSeed } from './ed25519/index.js'
export { secp256k1PrivateKeyFromRaw, secp256k1PublicKeyFromRaw, generateSecp256k1KeyPair } from './secp256k1/index.js'
export { rsaPrivateKeyFromDER, rsaPublicKeyFromDER, generateRSAKeyPair } from './rsa/index.js'
export { ecdsaPrivateKeyFromDER, ecdsaPublicKeyFromDER, generateECDSAKeyPair } from './ecdsa/index.js'
export type { ECDSACurve } from './ecdsa/curves.js'
export type { KeyType, PrivateKey, PublicKey } from '@libp2p/interface'
