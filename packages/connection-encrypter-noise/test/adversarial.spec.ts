import { generateKeyPair } from '@libp2p/crypto/keys'
import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { NoiseHandshakePayload } from '../src/pb/payload.js'
import { manualInitiator, manualResponder } from './fixtures/manual-peer.js'
import { createPeer, errorOf, patternBytes } from './fixtures/peers.js'
import type { CipherState } from '../src/cipher-state.js'
import type { MessageStream } from '@libp2p/interface'

/** the errors a handshake may end with when the remote misbehaves: all typed, none a bare Error */
const TYPED_HANDSHAKE_ERRORS = ['InvalidMessageError', 'DecryptionFailedError', 'InvalidSignatureError', 'InvalidPublicKeyError', 'UnsupportedKeyTypeError', 'UnexpectedPeerError', 'StreamResetError', 'TimeoutError']

function wire (frame: Uint8Array | Uint8ArrayList): Uint8Array {
  return frame instanceof Uint8Array ? frame : frame.subarray()
}

async function readBytes (stream: MessageStream, length: number): Promise<Uint8ArrayList> {
  const out = new Uint8ArrayList()
  while (out.byteLength < length) {
    const chunk = await stream.read()
    if (chunk == null) { break }
    out.append(chunk)
  }
  return out
}

describe('noise encrypter against a misbehaving remote', () => {
  it('refuses a responder whose identity key did not sign its static key (InvalidSignatureError)', async () => {
    const dialer = await createPeer()
    const impostor = await generateKeyPair('Ed25519')
    const [rawOutbound, rawInbound] = messageStreamPair()
    const [err] = await Promise.all([
      errorOf(dialer.encrypter.secureOutbound(rawOutbound)),
      errorOf(manualResponder(rawInbound, { privateKey: impostor, signedStaticKey: new Uint8Array(32).fill(1) }))
    ])
    expect(err).to.have.property('name', 'InvalidSignatureError')
    expect(rawOutbound.status).to.equal('aborted')
  })

  it('refuses an initiator with a tampered signature (InvalidSignatureError)', async () => {
    const listener = await createPeer()
    const privateKey = await generateKeyPair('Ed25519')
    const [rawOutbound, rawInbound] = messageStreamPair()
    const [, err] = await Promise.all([
      errorOf(manualInitiator(rawOutbound, { privateKey, signedStaticKey: new Uint8Array(32).fill(2) })),
      errorOf(listener.encrypter.secureInbound(rawInbound))
    ])
    expect(err).to.have.property('name', 'InvalidSignatureError')
    expect(rawInbound.status).to.equal('aborted')
  })

  it('refuses a payload that is not a protobuf, or lacks the key or signature (InvalidMessageError)', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const payloads = [
      Uint8Array.of(0xff, 0xff, 0xff),
      new Uint8Array(0),
      NoiseHandshakePayload.encode({ identityKey: Uint8Array.of(1, 2, 3) as Uint8Array<ArrayBuffer> })
    ]
    for (const payload of payloads) {
      const dialer = await createPeer()
      const [rawOutbound, rawInbound] = messageStreamPair()
      const [err] = await Promise.all([
        errorOf(dialer.encrypter.secureOutbound(rawOutbound)),
        errorOf(manualResponder(rawInbound, { privateKey, payload }))
      ])
      expect(err).to.have.property('name', 'InvalidMessageError')
      expect(rawOutbound.status).to.equal('aborted')
    }
  })

  it('refuses an identity key that does not parse, with a typed error', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const dialer = await createPeer()
    const [rawOutbound, rawInbound] = messageStreamPair()
    const payload = NoiseHandshakePayload.encode({
      identityKey: Uint8Array.of(0x08, 0x01, 0x12, 0x03, 1, 2, 3) as Uint8Array<ArrayBuffer>,
      identitySig: new Uint8Array(64) as Uint8Array<ArrayBuffer>
    })
    const [err] = await Promise.all([
      errorOf(dialer.encrypter.secureOutbound(rawOutbound)),
      errorOf(manualResponder(rawInbound, { privateKey, payload }))
    ])
    expect(TYPED_HANDSHAKE_ERRORS).to.include(err?.name)
    expect(rawOutbound.status).to.equal('aborted')
  })

  it('ignores a payload in the first message', async () => {
    const listener = await createPeer()
    const privateKey = await generateKeyPair('Ed25519')
    const [rawOutbound, rawInbound] = messageStreamPair()
    const [manual, inbound] = await Promise.all([
      manualInitiator(rawOutbound, { privateKey, firstPayload: Uint8Array.of(1, 2, 3) }),
      listener.encrypter.secureInbound(rawInbound)
    ])
    rawOutbound.send(wire(manual.send.encryptFrame(Uint8Array.of(42))))
    expect((await readBytes(inbound.connection, 1)).subarray()).to.deep.equal(Uint8Array.of(42))
  })

  describe('frames', () => {
    async function connected (): Promise<{ send: CipherState, receive: CipherState, rawOutbound: MessageStream, connection: MessageStream }> {
      const listener = await createPeer()
      const privateKey = await generateKeyPair('Ed25519')
      const [rawOutbound, rawInbound] = messageStreamPair()
      const [manual, inbound] = await Promise.all([
        manualInitiator(rawOutbound, { privateKey }),
        listener.encrypter.secureInbound(rawInbound)
      ])
      return { send: manual.send, receive: manual.receive, rawOutbound: manual.stream.unwrap(), connection: inbound.connection }
    }

    it('decrypts messages split at every byte boundary, across event loop turns', async () => {
      const { send, rawOutbound, connection } = await connected()
      const messages = [patternBytes(1), new Uint8Array(0), patternBytes(100, 5), patternBytes(300, 6)]
      const expected = new Uint8ArrayList(...messages).subarray()
      const total = messages.reduce((n, m) => n + m.byteLength + 18, 0)
      for (let split = 0; split <= total; split++) {
        const bytes = new Uint8ArrayList(...messages.map(m => wire(send.encryptFrame(m)))).subarray()
        expect(bytes.byteLength).to.equal(total)
        rawOutbound.send(bytes.subarray(0, split))
        await new Promise(resolve => setTimeout(resolve, 0))
        rawOutbound.send(bytes.subarray(split))
        const received = await readBytes(connection, expected.byteLength)
        expect(uint8ArrayEquals(received.subarray(), expected)).to.equal(true, `split at ${split}`)
      }
    })

    it('keeps every plaintext intact when each message is cut across reads (the reassembly buffer is reused)', async () => {
      const { send, rawOutbound, connection } = await connected()
      // full-size messages (node:crypto) and short ones (WebAssembly), each cut in two by the
      // 65536-byte chunks, all sent before anything is read
      const messages = [patternBytes(65519, 1), patternBytes(200, 2), patternBytes(65519, 3), patternBytes(65000, 4), patternBytes(300, 5)]
      const expected = new Uint8ArrayList(...messages).subarray()
      const bytes = new Uint8ArrayList(...messages.map(m => wire(send.encryptFrame(m)))).subarray()
      for (let at = 0; at < bytes.byteLength; at += 65536) {
        rawOutbound.send(bytes.slice(at, at + 65536))
      }
      const received = await readBytes(connection, expected.byteLength)
      expect(uint8ArrayEquals(received.subarray(), expected)).to.equal(true)
    })

    it('decrypts many messages arriving in one chunk, in one read', async () => {
      const { send, rawOutbound, connection } = await connected()
      const messages = Array.from({ length: 50 }, (_, i) => patternBytes(i * 7, i + 1))
      rawOutbound.send(new Uint8ArrayList(...messages.map(m => wire(send.encryptFrame(m)))).subarray())
      const first = await connection.read()
      expect(uint8ArrayEquals(first?.subarray() ?? new Uint8Array(0), new Uint8ArrayList(...messages).subarray())).to.equal(true)
    })

    it('closes the connection when a frame is replayed (the nonce moved on)', async () => {
      const { send, rawOutbound, connection } = await connected()
      const frame = wire(send.encryptFrame(Uint8Array.of(1)))
      rawOutbound.send(frame)
      expect((await readBytes(connection, 1)).subarray()).to.deep.equal(Uint8Array.of(1))
      rawOutbound.send(frame)
      expect(await errorOf(connection.read())).to.have.property('name', 'DecryptionFailedError')
      expect(connection.status).to.equal('aborted')
    })

    it('closes the connection on a message too short to hold a tag', async () => {
      const { rawOutbound, connection } = await connected()
      rawOutbound.send(Uint8Array.of(0, 3, 1, 2, 3))
      expect(await errorOf(connection.read())).to.have.property('name', 'DecryptionFailedError')
    })
  })

  describe('garbage instead of a handshake', () => {
    it('ends the responder with a typed error and closes the connection', async () => {
      const listener = await createPeer()
      const [rawOutbound, rawInbound] = messageStreamPair()
      rawOutbound.send(Uint8Array.of(0, 200, ...patternBytes(400, 9)))
      await rawOutbound.closeWrite()
      const err = await errorOf(listener.encrypter.secureInbound(rawInbound))
      expect(TYPED_HANDSHAKE_ERRORS).to.include(err?.name)
      expect(rawInbound.status).to.equal('aborted')
    })

    it('fuzz: arbitrary bytes from the remote always end in a typed error, never a hang', async function () {
      this.timeout(120_000)
      const listener = await createPeer()
      const dialer = await createPeer()
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.boolean(), fc.boolean(), async (garbage, asInitiator, withPrefix) => {
        const [rawLocal, rawRemote] = messageStreamPair()
        const bytes = withPrefix ? Uint8Array.of(garbage.byteLength >> 8, garbage.byteLength & 0xff, ...garbage) : garbage
        const pending = asInitiator
          ? errorOf(dialer.encrypter.secureOutbound(rawLocal, { remotePeer: listener.peerId }))
          : errorOf(listener.encrypter.secureInbound(rawLocal))
        if (bytes.byteLength > 0) { rawRemote.send(bytes) }
        await rawRemote.closeWrite()
        const err = await pending
        expect(TYPED_HANDSHAKE_ERRORS).to.include(err?.name)
        expect(rawLocal.status).to.equal('aborted')
      }), { numRuns: 150 })
    })
  })
})
