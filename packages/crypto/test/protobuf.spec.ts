import { expect } from 'aegir/chai'
import { identity } from 'multiformats/hashes/identity'
import { privateKeyFromProtobuf, publicKeyFromMultihash, publicKeyFromProtobuf, publicKeyFromRaw, privateKeyFromRaw } from '../src/keys/index.js'
import { hex } from './fixtures/keys.js'

describe('key protobuf decoding', () => {
  it('throws UnsupportedKeyTypeError for an unknown key type', () => {
    // Type = 4, Data = 32 bytes
    const buf = hex(`08041220${'00'.repeat(32)}`)

    expect(() => publicKeyFromProtobuf(buf)).to.throw().with.property('name', 'UnsupportedKeyTypeError')
    expect(() => privateKeyFromProtobuf(buf)).to.throw().with.property('name', 'UnsupportedKeyTypeError')
  })

  it('throws InvalidMessageError for missing fields or truncated bytes', () => {
    expect(() => publicKeyFromProtobuf(hex('0801'))).to.throw().with.property('name', 'InvalidMessageError')
    expect(() => publicKeyFromProtobuf(hex('1200'))).to.throw().with.property('name', 'InvalidMessageError')
    expect(() => publicKeyFromProtobuf(new Uint8Array(0))).to.throw().with.property('name', 'InvalidMessageError')
    expect(() => publicKeyFromProtobuf(hex('08011220aabb'))).to.throw().with.property('name', 'InvalidMessageError')
    expect(() => privateKeyFromProtobuf(hex('ffffffffffffffffffff'))).to.throw().with.property('name', 'InvalidMessageError')
  })

  it('throws InvalidPublicKeyError / InvalidPrivateKeyError for key data of the wrong shape', () => {
    expect(() => publicKeyFromProtobuf(hex('08011203010203'))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => publicKeyFromProtobuf(hex('08001203010203'))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => publicKeyFromProtobuf(hex('08031203010203'))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => privateKeyFromProtobuf(hex('08011203010203'))).to.throw().with.property('name', 'InvalidPrivateKeyError')
    expect(() => privateKeyFromProtobuf(hex('08021203010203'))).to.throw().with.property('name', 'InvalidPrivateKeyError')
  })

  it('takes keys only out of identity multihashes', () => {
    expect(() => publicKeyFromMultihash(identity.digest(hex('0801')))).to.throw().with.property('name', 'InvalidMessageError')
  })
})

describe('raw key decoding without a type', () => {
  it('throws InvalidPublicKeyError for bytes that are no key', () => {
    expect(() => publicKeyFromRaw(new Uint8Array(10))).to.throw().with.property('name', 'InvalidPublicKeyError')
    expect(() => publicKeyFromRaw(new Uint8Array(0))).to.throw().with.property('name', 'InvalidPublicKeyError')
  })

  it('throws InvalidPublicKeyError for a DER key of a foreign algorithm', () => {
    // an Ed25519 SubjectPublicKeyInfo (RFC 8410)
    const spki = hex(`302a300506032b6570032100${'19'.repeat(32)}`)

    expect(() => publicKeyFromRaw(spki)).to.throw().with.property('name', 'InvalidPublicKeyError')
  })

  it('throws InvalidPrivateKeyError for bytes that are no key', () => {
    expect(() => privateKeyFromRaw(new Uint8Array(10))).to.throw().with.property('name', 'InvalidPrivateKeyError')
    // a DER SEQUENCE with version 2
    expect(() => privateKeyFromRaw(hex('3003020102'))).to.throw().with.property('name', 'InvalidPrivateKeyError')
  })

  it('throws UnsupportedKeyTypeError for an unknown type name', () => {
    expect(() => publicKeyFromRaw(new Uint8Array(32), 'DSA' as any)).to.throw().with.property('name', 'UnsupportedKeyTypeError')
    expect(() => privateKeyFromRaw(new Uint8Array(32), 'DSA' as any)).to.throw().with.property('name', 'UnsupportedKeyTypeError')
  })
})
