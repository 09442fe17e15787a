import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { crypto } from '../src/crypto/index.js'
import { HandshakeState } from '../src/handshake-state.js'
import { runCacophonyVector, toHex } from './fixtures/run-vector.js'

describe('Noise XX handshake state', () => {
  it('reproduces the cacophony Noise_XX_25519_ChaChaPoly_SHA256 vector', () => {
    runCacophonyVector(crypto)
  })

  it('refuses messages out of order', () => {
    const s = crypto.generateKeyPair()
    const initiator = new HandshakeState({ crypto, initiator: true, staticKeyPair: s })
    expect(() => initiator.writeMessageC(new Uint8Array(0))).to.throw().with.property('name', 'ProtocolError')
    expect(() => initiator.readMessageA(new Uint8Array(32))).to.throw().with.property('name', 'ProtocolError')
    expect(() => initiator.split()).to.throw().with.property('name', 'ProtocolError')
  })

  it('refuses short messages with InvalidMessageError', () => {
    const responder = new HandshakeState({ crypto, initiator: false, staticKeyPair: crypto.generateKeyPair() })
    expect(() => responder.readMessageA(new Uint8Array(31))).to.throw().with.property('name', 'InvalidMessageError')
    const initiator = new HandshakeState({ crypto, initiator: true, staticKeyPair: crypto.generateKeyPair() })
    initiator.writeMessageA(new Uint8Array(0))
    expect(() => initiator.readMessageB(new Uint8Array(95))).to.throw().with.property('name', 'InvalidMessageError')
  })

  it('fails a tampered second message with DecryptionFailedError', () => {
    const initiator = new HandshakeState({ crypto, initiator: true, staticKeyPair: crypto.generateKeyPair() })
    const responder = new HandshakeState({ crypto, initiator: false, staticKeyPair: crypto.generateKeyPair() })
    responder.readMessageA(initiator.writeMessageA(new Uint8Array(0)))
    const b = responder.writeMessageB(new Uint8Array(10))
    b[b.byteLength - 1] ^= 1
    expect(() => initiator.readMessageB(b)).to.throw().with.property('name', 'DecryptionFailedError')
  })

  it('agrees on keys with an empty prologue and random keys, with payloads in pieces', () => {
    const initiator = new HandshakeState({ crypto, initiator: true, staticKeyPair: crypto.generateKeyPair() })
    const responder = new HandshakeState({ crypto, initiator: false, staticKeyPair: crypto.generateKeyPair() })
    responder.readMessageA(initiator.writeMessageA(new Uint8Array(0)))
    initiator.readMessageB(responder.writeMessageB(Uint8Array.of(1, 2, 3)))
    responder.readMessageC(initiator.writeMessageC(Uint8Array.of(4, 5, 6)))
    const i = initiator.split()
    const r = responder.split()
    const frame = i.send.encryptFrame(new Uint8ArrayList(Uint8Array.of(1, 2), Uint8Array.of(3), Uint8Array.of(4, 5, 6, 7)))
    const wire = frame instanceof Uint8Array ? new Uint8ArrayList(frame) : frame
    const body = wire.sublist(2)
    expect(toHex(r.receive.decryptFrame(body))).to.equal('01020304050607')
  })
})
