import { generateKeyPair, publicKeyFromProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { handshakeStream, lpEncode, messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Exchange, MAX_EXCHANGE_BYTES, PLAINTEXT_PROTOCOL, plaintext } from '../src/plaintext/index.js'
import type { ConnectionEncrypter, PrivateKey } from '@libp2p/interface'

interface Peer { key: PrivateKey, encrypter: ConnectionEncrypter }

async function peer (init = {}): Promise<Peer> {
  const key = await generateKeyPair('Ed25519')
  return { key, encrypter: plaintext(init)({ privateKey: key }) }
}

/** run `local`'s inbound handshake against hand-written bytes; resolve with its error */
async function inboundAgainst (local: Peer, wire: Uint8Array, end = true): Promise<Error | undefined> {
  const [a, b] = messageStreamPair()
  const handshake = local.encrypter.secureInbound(a, { signal: AbortSignal.timeout(5000) })
  b.send(wire)
  if (end) { await b.closeWrite() }
  return handshake.then(() => undefined, (err: Error) => err)
}

describe('plaintext specifics', () => {
  it('speaks /plaintext/2.0.0', async () => {
    expect((await peer()).encrypter.protocol).to.equal('/plaintext/2.0.0')
    expect(PLAINTEXT_PROTOCOL).to.equal('/plaintext/2.0.0')
  })

  it('sends one length-prefixed Exchange: the id multihash and the key protobuf', async () => {
    const local = await peer()
    const [a, b] = messageStreamPair()
    void local.encrypter.secureOutbound(a).catch(() => {})
    const sent = await handshakeStream(b).readPB(Exchange)
    expect(sent.id).to.deep.equal(peerIdFromPrivateKey(local.key).toMultihash().bytes)
    expect(sent.pubkey).to.deep.equal(publicKeyToProtobuf(local.key.publicKey))
    expect(publicKeyFromProtobuf(sent.pubkey ?? new Uint8Array()).equals(local.key.publicKey)).to.equal(true)
    a.abort(new Error('done'))
  })

  it('accepts a remote that writes its Exchange one byte at a time, and keeps what follows', async () => {
    const local = await peer()
    const remoteKey = await generateKeyPair('secp256k1')
    const message = Exchange.encode({
      id: peerIdFromPrivateKey(remoteKey).toMultihash().bytes,
      pubkey: publicKeyToProtobuf(remoteKey.publicKey) as Uint8Array<ArrayBuffer>
    })
    const wire = [...lpEncode(message).subarray(), ...new TextEncoder().encode('after')]
    const [a, b] = messageStreamPair()
    const handshake = local.encrypter.secureInbound(a, { signal: AbortSignal.timeout(5000) })
    for (const byte of wire) {
      b.send(Uint8Array.of(byte))
      await Promise.resolve()
    }
    await b.closeWrite()
    const { remotePeer, connection } = await handshake
    expect(remotePeer.equals(peerIdFromPrivateKey(remoteKey))).to.equal(true)
    const rest: number[] = []
    for await (const chunk of connection) { rest.push(...chunk.subarray()) }
    expect(new TextDecoder().decode(Uint8Array.from(rest))).to.equal('after')
  })

  it('refuses an id that is not the key\'s with ProtocolError and aborts the connection', async () => {
    const local = await peer()
    const liar = await generateKeyPair('Ed25519')
    const other = await generateKeyPair('Ed25519')
    const [a, b] = messageStreamPair()
    const handshake = local.encrypter.secureInbound(a, { signal: AbortSignal.timeout(5000) })
    b.send(lpEncode(Exchange.encode({
      id: peerIdFromPrivateKey(other).toMultihash().bytes,
      pubkey: publicKeyToProtobuf(liar.publicKey) as Uint8Array<ArrayBuffer>
    })))
    await expect(handshake).to.eventually.be.rejected.with.property('name', 'ProtocolError')
    expect(a.status).to.equal('aborted')
    expect(b.status).to.equal('reset')
  })

  it('refuses an Exchange without a key or id with InvalidMessageError', async () => {
    const local = await peer()
    const key = await generateKeyPair('Ed25519')
    const noKey = Exchange.encode({ id: peerIdFromPrivateKey(key).toMultihash().bytes })
    const noId = Exchange.encode({ pubkey: publicKeyToProtobuf(key.publicKey) as Uint8Array<ArrayBuffer> })
    expect((await inboundAgainst(local, lpEncode(noKey).subarray()))?.name).to.equal('InvalidMessageError')
    expect((await inboundAgainst(local, lpEncode(noId).subarray()))?.name).to.equal('InvalidMessageError')
  })

  it('refuses key bytes that are no key with a key error', async () => {
    const local = await peer()
    const wire = lpEncode(Exchange.encode({ id: new Uint8Array([0, 2, 1, 2]), pubkey: Uint8Array.of(8, 1, 18, 3, 1, 2, 3) })).subarray()
    expect((await inboundAgainst(local, wire))?.name).to.be.oneOf(['InvalidPublicKeyError', 'UnsupportedKeyTypeError', 'InvalidMessageError'])
  })

  it(`refuses an Exchange over ${MAX_EXCHANGE_BYTES} bytes before reading it`, async () => {
    const local = await peer()
    const err = await inboundAgainst(local, lpEncode(new Uint8Array(MAX_EXCHANGE_BYTES + 1)).subarray().subarray(0, 10), false)
    expect(err?.name).to.equal('MessageTooLargeError')
  })

  it('fails with TimeoutError after handshakeTimeout even without a signal', async () => {
    const local = await peer({ handshakeTimeout: 50 })
    const [a] = messageStreamPair()
    await expect(local.encrypter.secureOutbound(a)).to.eventually.be.rejected.with.property('name', 'TimeoutError')
  })

  it('fails with AbortError when the caller\'s signal fires', async () => {
    const local = await peer()
    const [a] = messageStreamPair()
    const controller = new AbortController()
    const handshake = local.encrypter.secureOutbound(a, { signal: controller.signal })
    controller.abort()
    await expect(handshake).to.eventually.be.rejected.with.property('name', 'AbortError')
  })

  it('only ever fails with typed errors on random input', async function () {
    this.timeout(60_000)
    const local = await peer()
    const typed = ['InvalidMessageError', 'MessageTooLargeError', 'InvalidPublicKeyError', 'UnsupportedKeyTypeError', 'ProtocolError', 'InvalidPeerIdError', 'InvalidParametersError']
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.boolean(), async (bytes, framed) => {
      const err = await inboundAgainst(local, framed ? lpEncode(bytes).subarray() : bytes)
      expect(err?.name).to.be.oneOf(typed)
    }), { numRuns: 200 })
  })
})
