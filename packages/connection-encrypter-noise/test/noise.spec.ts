import { until } from '@libp2p/interface-compliance-tests/wait'
import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { NOISE_PROTOCOL_ID } from '../src/index.js'
import { NoiseExtensions } from '../src/pb/payload.js'
import { createPeer, errorOf, patternBytes, secure } from './fixtures/peers.js'
import type { MessageStream, StreamMuxerFactory } from '@libp2p/interface'

async function readBytes (stream: MessageStream, length: number): Promise<Uint8ArrayList> {
  const out = new Uint8ArrayList()
  while (out.byteLength < length) {
    const chunk = await stream.read()
    if (chunk == null) { break }
    out.append(chunk)
  }
  return out
}

async function writeAll (stream: MessageStream, data: Uint8Array, writeBytes: number): Promise<void> {
  for (let offset = 0; offset < data.byteLength; offset += writeBytes) {
    if (!stream.send(data.subarray(offset, offset + writeBytes))) {
      await stream.onDrain()
    }
  }
}

function fakeMuxer (protocol: string): StreamMuxerFactory {
  return {
    protocol,
    createStreamMuxer: () => { throw new Error('not used') }
  }
}

describe('noise encrypter', () => {
  it('has the /noise protocol id', async () => {
    const peer = await createPeer()
    expect(peer.encrypter.protocol).to.equal('/noise')
    expect(NOISE_PROTOCOL_ID).to.equal('/noise')
  })

  for (const type of ['Ed25519', 'secp256k1', 'ECDSA', 'RSA'] as const) {
    it(`secures a connection both ways with ${type} identities`, async function () {
      this.timeout(30_000)
      const dialer = await createPeer({}, type)
      const listener = await createPeer({}, type)
      const { outbound, inbound } = await secure(dialer, listener)
      expect(outbound.remotePeer.equals(listener.peerId)).to.equal(true)
      expect(inbound.remotePeer.equals(dialer.peerId)).to.equal(true)
      expect(outbound.streamMuxer).to.equal(undefined)

      outbound.connection.send(Uint8Array.of(1, 2, 3))
      expect((await readBytes(inbound.connection, 3)).subarray()).to.deep.equal(Uint8Array.of(1, 2, 3))
      inbound.connection.send(Uint8Array.of(4, 5))
      expect((await readBytes(outbound.connection, 2)).subarray()).to.deep.equal(Uint8Array.of(4, 5))

      await Promise.all([outbound.connection.close(), inbound.connection.close()])
      expect(outbound.connection.status).to.equal('closed')
      expect(inbound.connection.status).to.equal('closed')
    })
  }

  it('reuses one static key and signature across handshakes', async () => {
    const dialer = await createPeer()
    const listener = await createPeer()
    const first = await secure(dialer, listener)
    const second = await secure(dialer, listener)
    expect(first.inbound.remotePeer.equals(second.inbound.remotePeer)).to.equal(true)
    expect(dialer.encrypter.staticPublicKey.byteLength).to.equal(32)
  })

  it('uses the staticNoiseKey it is given', async () => {
    const key = new Uint8Array(32).fill(7)
    const a = await createPeer({ staticNoiseKey: key })
    const b = await createPeer({ staticNoiseKey: key })
    expect(uint8ArrayEquals(a.encrypter.staticPublicKey, b.encrypter.staticPublicKey)).to.equal(true)
    const { outbound } = await secure(a, b)
    expect(outbound.remotePeer.equals(b.peerId)).to.equal(true)
  })

  it('completes a handshake when both sides give the same prologueBytes, and fails when they differ', async () => {
    const prologue = new TextEncoder().encode('libp2p-webrtc-noise:test')
    const { outbound } = await secure(await createPeer({ prologueBytes: prologue }), await createPeer({ prologueBytes: prologue.slice() }))
    expect(outbound.remotePeer).to.exist()

    const dialer = await createPeer({ prologueBytes: prologue })
    const listener = await createPeer()
    const [rawOutbound, rawInbound] = messageStreamPair()
    const [outErr, inErr] = await Promise.all([
      errorOf(dialer.encrypter.secureOutbound(rawOutbound, { remotePeer: listener.peerId })),
      errorOf(listener.encrypter.secureInbound(rawInbound))
    ])
    // the handshake hashes differ, so the first encrypted message (the responder's) fails to open
    expect(outErr).to.have.property('name', 'DecryptionFailedError')
    expect(inErr).to.exist()
  })

  it('fails with UnexpectedPeerError when another peer answers, and closes the connection', async () => {
    const dialer = await createPeer()
    const listener = await createPeer()
    const someoneElse = await createPeer()
    const [rawOutbound, rawInbound] = messageStreamPair()
    const [outErr, inErr] = await Promise.all([
      errorOf(dialer.encrypter.secureOutbound(rawOutbound, { remotePeer: someoneElse.peerId })),
      errorOf(listener.encrypter.secureInbound(rawInbound))
    ])
    expect(outErr).to.have.property('name', 'UnexpectedPeerError')
    // the dialer never sent its third message: the listener sees the connection reset
    expect(inErr).to.have.property('name', 'StreamResetError')
    expect(rawOutbound.status).to.equal('aborted')
    expect(rawInbound.status).to.not.equal('open')
  })

  it('fails with TimeoutError when the handshake takes longer than handshakeTimeout', async () => {
    const listener = await createPeer({ handshakeTimeout: 50 })
    const [, rawInbound] = messageStreamPair()
    const err = await errorOf(listener.encrypter.secureInbound(rawInbound))
    expect(err).to.have.property('name', 'TimeoutError')
    expect(rawInbound.status).to.equal('aborted')
  })

  it('ends a silent peer (slowloris) with the caller\'s signal', async () => {
    const listener = await createPeer()
    const [rawOutbound, rawInbound] = messageStreamPair()
    rawOutbound.send(Uint8Array.of(0, 32, 1, 2, 3)) // a first message that never completes
    const controller = new AbortController()
    const pending = errorOf(listener.encrypter.secureInbound(rawInbound, { signal: controller.signal }))
    await until(() => rawOutbound.writeBufferLength === 0 && rawInbound.readBufferLength === 0, 'the raw streams are drained', { timeout: 5_000 })
    controller.abort(new DOMException('stop', 'AbortError'))
    const err = await pending
    expect(err).to.have.property('name', 'AbortError')
    expect(rawInbound.status).to.equal('aborted')
  })

  it('transfers many MiB byte-exact in both directions at once', async function () {
    this.timeout(60_000)
    const { outbound, inbound } = await secure(await createPeer(), await createPeer())
    const size = 8 * 1024 * 1024 + 12345
    const up = patternBytes(size, 1)
    const down = patternBytes(size, 2)
    const [, , received, returned] = await Promise.all([
      writeAll(outbound.connection, up, 64 * 1024),
      writeAll(inbound.connection, down, 64 * 1024),
      readBytes(inbound.connection, size),
      readBytes(outbound.connection, size)
    ])
    expect(received.byteLength).to.equal(size)
    expect(returned.byteLength).to.equal(size)
    expect(uint8ArrayEquals(received.subarray(), up)).to.equal(true)
    expect(uint8ArrayEquals(returned.subarray(), down)).to.equal(true)
  })

  it('splits one large send into Noise messages of at most 65535 bytes', async () => {
    const { outbound, inbound, rawInbound } = await secure(await createPeer(), await createPeer())
    const sizes: number[] = []
    const original = rawInbound.onData.bind(rawInbound)
    rawInbound.onData = (data) => {
      // walk the frames in what arrives
      const list = new Uint8ArrayList(data)
      let offset = 0
      while (offset + 2 <= list.byteLength) {
        const length = list.get(offset) * 256 + list.get(offset + 1)
        sizes.push(length)
        offset += 2 + length
      }
      original(data)
    }
    const data = patternBytes(200_000)
    outbound.connection.send(data)
    const received = await readBytes(inbound.connection, data.byteLength)
    expect(uint8ArrayEquals(received.subarray(), data)).to.equal(true)
    expect(sizes).to.deep.equal([65535, 65535, 65535, 200_000 - 3 * 65519 + 16])
  })

  it('packs a burst of sends into whole Noise messages (a 64 KiB + 12 stream is not cut into 65535 + 47 each time)', async () => {
    const { outbound, inbound, rawInbound } = await secure(await createPeer(), await createPeer())
    const sizes: number[] = []
    const original = rawInbound.onData.bind(rawInbound)
    const seen = new Uint8ArrayList()
    rawInbound.onData = (data) => {
      seen.append(data)
      original(data)
    }
    const chunk = patternBytes(64 * 1024 + 12)
    const count = 10
    for (let i = 0; i < count; i++) { outbound.connection.send(chunk) }
    const received = await readBytes(inbound.connection, count * chunk.byteLength)
    expect(received.byteLength).to.equal(count * chunk.byteLength)
    for (let offset = 0; offset + 2 <= seen.byteLength;) {
      const length = seen.get(offset) * 256 + seen.get(offset + 1)
      sizes.push(length)
      offset += 2 + length
    }
    // every message but the last is full
    expect(sizes.slice(0, -1).every(size => size === 65535)).to.equal(true)
    expect(sizes.length).to.equal(Math.ceil(count * chunk.byteLength / 65519))
  })

  it('packs the sends of a writer that awaits between them into whole Noise messages too (sink(), lpStream().write())', async () => {
    const { outbound, inbound, rawInbound } = await secure(await createPeer(), await createPeer())
    const seen = new Uint8ArrayList()
    const original = rawInbound.onData.bind(rawInbound)
    rawInbound.onData = (data) => {
      seen.append(data)
      original(data)
    }
    const chunk = patternBytes(64 * 1024 + 12)
    const count = 10
    const reading = readBytes(inbound.connection, count * chunk.byteLength + 3)
    for (let i = 0; i < count; i++) {
      outbound.connection.send(chunk)
      // each write ends a tick: before, each left a full message and a 29-byte one behind it
      await Promise.resolve()
    }
    // a small write after the burst is not lost: it leaves at the end of the event loop's turn
    outbound.connection.send(Uint8Array.of(7, 8, 9))
    const received = await reading
    expect(received.byteLength).to.equal(count * chunk.byteLength + 3)
    expect(received.subarray(received.byteLength - 3)).to.deep.equal(Uint8Array.of(7, 8, 9))
    const sizes: number[] = []
    for (let offset = 0; offset + 2 <= seen.byteLength;) {
      const length = seen.get(offset) * 256 + seen.get(offset + 1)
      sizes.push(length)
      offset += 2 + length
    }
    expect(sizes.slice(0, -1).every(size => size === 65535)).to.equal(true)
    expect(sizes.length).to.equal(Math.ceil((count * chunk.byteLength + 3) / 65519))
  })

  it('hands on data the initiator sent in the same tick as its last handshake message', async () => {
    const dialer = await createPeer()
    const listener = await createPeer()
    const [rawOutbound, rawInbound] = messageStreamPair()
    const inboundPromise = listener.encrypter.secureInbound(rawInbound)
    const outbound = await dialer.encrypter.secureOutbound(rawOutbound, { remotePeer: listener.peerId })
    outbound.connection.send(Uint8Array.of(9, 8, 7))
    await outbound.connection.closeWrite()
    const inbound = await inboundPromise
    expect((await readBytes(inbound.connection, 10)).subarray()).to.deep.equal(Uint8Array.of(9, 8, 7))
    expect(await inbound.connection.read()).to.equal(null)
  })

  it('maps closeWrite onto the raw connection (half-close) and keeps the other direction open', async () => {
    const { outbound, inbound, rawOutbound } = await secure(await createPeer(), await createPeer())
    outbound.connection.send(Uint8Array.of(1))
    await outbound.connection.closeWrite()
    expect(rawOutbound.writeStatus).to.equal('closed')
    expect((await readBytes(inbound.connection, 1)).subarray()).to.deep.equal(Uint8Array.of(1))
    expect(await inbound.connection.read()).to.equal(null)
    inbound.connection.send(Uint8Array.of(2))
    expect((await readBytes(outbound.connection, 1)).subarray()).to.deep.equal(Uint8Array.of(2))
    await inbound.connection.closeWrite()
    expect(await outbound.connection.read()).to.equal(null)
    expect(outbound.connection.status).to.equal('closed')
    expect(inbound.connection.status).to.equal('closed')
  })

  it('maps closeRead onto the raw connection and keeps writing, even with half a message buffered', async () => {
    const { outbound, inbound, rawOutbound, rawInbound } = await secure(await createPeer(), await createPeer())
    outbound.connection.send(Uint8Array.of(1))
    expect((await readBytes(inbound.connection, 1)).subarray()).to.deep.equal(Uint8Array.of(1))
    rawOutbound.send(Uint8Array.of(0, 40, 1, 2)) // the start of a message that never completes
    await until(() => rawOutbound.writeBufferLength === 0 && rawInbound.readBufferLength === 0, 'the raw streams are drained', { timeout: 5_000 })
    await inbound.connection.closeRead()
    expect(rawInbound.readStatus).to.equal('closed')
    expect(inbound.connection.status).to.equal('open')
    inbound.connection.send(Uint8Array.of(2, 3))
    expect((await readBytes(outbound.connection, 2)).subarray()).to.deep.equal(Uint8Array.of(2, 3))
    expect(await inbound.connection.read()).to.equal(null)
  })

  it('maps abort onto the raw connection: the remote sees a reset', async () => {
    const { outbound, inbound, rawOutbound } = await secure(await createPeer(), await createPeer())
    const closed = new Promise<Error | undefined>(resolve => {
      inbound.connection.addEventListener('close', (evt) => { resolve(evt.detail.error) }, { once: true })
    })
    outbound.connection.abort(new Error('bye'))
    expect(rawOutbound.status).to.equal('aborted')
    expect(await closed).to.have.property('name', 'StreamResetError')
    expect(inbound.connection.status).to.equal('reset')
    expect(await errorOf(inbound.connection.read())).to.have.property('name', 'StreamResetError')
  })

  it('closes the connection with DecryptionFailedError on garbage after the handshake', async () => {
    const { outbound, inbound, rawOutbound } = await secure(await createPeer(), await createPeer())
    const closed = new Promise<Error | undefined>(resolve => {
      inbound.connection.addEventListener('close', (evt) => { resolve(evt.detail.error) }, { once: true })
    })
    rawOutbound.send(Uint8Array.of(0, 20, ...new Uint8Array(20).fill(0xaa)))
    expect(await closed).to.have.property('name', 'DecryptionFailedError')
    expect(inbound.connection.status).to.equal('aborted')
    expect(await errorOf(inbound.connection.read())).to.have.property('name', 'DecryptionFailedError')
    // the raw connection went down with it, so the other side is told
    await until(() => outbound.connection.status !== 'open', 'the outbound connection is no longer open', { timeout: 5_000 })
    expect(outbound.connection.status).to.equal('reset')
  })

  it('fails with InvalidMessageError when the connection ends inside a Noise message', async () => {
    const { inbound, rawOutbound } = await secure(await createPeer(), await createPeer())
    rawOutbound.send(Uint8Array.of(0, 40, 1, 2, 3))
    await rawOutbound.closeWrite()
    expect(await errorOf(inbound.connection.read())).to.have.property('name', 'InvalidMessageError')
    expect(inbound.connection.status).to.equal('aborted')
  })

  it('propagates back-pressure: a sender to a reader that does not read is stopped, then resumes', async function () {
    this.timeout(30_000)
    const { outbound, inbound, rawOutbound, rawInbound } = await secure(await createPeer(), await createPeer())
    const size = 24 * 1024 * 1024
    const data = patternBytes(size, 3)
    let written = 0
    const writer = (async () => {
      for (; written < size; written += 65536) {
        if (!outbound.connection.send(data.subarray(written, written + 65536))) {
          await outbound.connection.onDrain()
        }
      }
    })()
    // the reader's encrypted buffer fills to its limit, then it stops pulling from the raw connection,
    // whose own buffer fills and stops the raw sender, which stops the encrypted sender
    await until(() => inbound.connection.readBufferLength > 4 * 1024 * 1024 && rawInbound.readBufferLength > 4 * 1024 * 1024 && rawOutbound.writeBufferLength > 0 && outbound.connection.writeBufferLength > 0, 'every buffer on the path is backed up', { timeout: 5_000 })
    const stalledAt = written
    expect(stalledAt).to.be.lessThan(size)
    expect(inbound.connection.readBufferLength).to.be.at.most(4 * 1024 * 1024 + 2 * 65536)
    expect(rawInbound.readBufferLength).to.be.at.most(4 * 1024 * 1024 + 2 * 65536)
    expect(rawOutbound.writeBufferLength).to.be.at.most(2 * 65536)
    expect(outbound.connection.writeBufferLength).to.be.at.most(2 * 65536)
    // a few more event loop turns do not move it
    for (let i = 0; i < 20; i++) { await new Promise(resolve => setTimeout(resolve, 0)) }
    expect(written).to.equal(stalledAt)

    const received = await readBytes(inbound.connection, size)
    await writer
    expect(uint8ArrayEquals(received.subarray(), data)).to.equal(true)
  })

  describe('inlined muxer negotiation', () => {
    const yamux = fakeMuxer('/yamux/1.0.0')
    const mplex = fakeMuxer('/mplex/6.7.0')

    it('picks the first muxer of the initiator\'s list that the responder supports', async () => {
      const { outbound, inbound } = await secure(await createPeer(), await createPeer(), { streamMuxers: [yamux, mplex] }, { streamMuxers: [mplex, yamux] })
      expect(outbound.streamMuxer).to.equal(yamux)
      expect(inbound.streamMuxer).to.equal(yamux)
      expect(outbound.remoteExtensions?.streamMuxers).to.deep.equal(['/mplex/6.7.0', '/yamux/1.0.0'])
      expect(inbound.remoteExtensions?.streamMuxers).to.deep.equal(['/yamux/1.0.0', '/mplex/6.7.0'])
    })

    it('leaves the muxer to multistream-select without overlap or without a list', async () => {
      const none = await secure(await createPeer(), await createPeer(), { streamMuxers: [yamux] }, { streamMuxers: [mplex] })
      expect(none.outbound.streamMuxer).to.equal(undefined)
      expect(none.inbound.streamMuxer).to.equal(undefined)
      const oneSided = await secure(await createPeer(), await createPeer(), { streamMuxers: [yamux] }, {})
      expect(oneSided.outbound.streamMuxer).to.equal(undefined)
      expect(oneSided.inbound.streamMuxer).to.equal(undefined)
    })

    it('fails with MuxerUnavailableError when the agreed muxer came from init.extensions and has no factory', async () => {
      const listener = await createPeer({ extensions: { streamMuxers: ['/yamux/1.0.0'] } })
      const dialer = await createPeer()
      const [rawOutbound, rawInbound] = messageStreamPair()
      const [outErr, inErr] = await Promise.all([
        errorOf(dialer.encrypter.secureOutbound(rawOutbound, { remotePeer: listener.peerId, streamMuxers: [yamux] })),
        errorOf(listener.encrypter.secureInbound(rawInbound))
      ])
      expect(outErr).to.equal(undefined)
      expect(inErr).to.have.property('name', 'MuxerUnavailableError')
      expect(rawInbound.status).to.equal('aborted')
    })

    it('advertises init.extensions when the upgrader passes no muxers, and passes certhashes through', async () => {
      const certhash = Uint8Array.of(0x12, 0x20, 1, 2, 3)
      const listener = await createPeer({ extensions: { streamMuxers: ['/yamux/1.0.0'], webtransportCerthashes: [certhash] } })
      const { outbound, inbound } = await secure(await createPeer(), listener)
      expect(outbound.remoteExtensions?.streamMuxers).to.deep.equal(['/yamux/1.0.0'])
      expect(outbound.remoteExtensions?.webtransportCerthashes).to.deep.equal([certhash])
      expect(outbound.streamMuxer).to.equal(undefined)
      expect(inbound.remoteExtensions).to.equal(undefined)
      expect(NoiseExtensions.decode(NoiseExtensions.encode({ streamMuxers: ['a'], webtransportCerthashes: [] })).streamMuxers).to.deep.equal(['a'])
    })
  })
})
