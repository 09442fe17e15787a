import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { HandshakeStream, encodeVarint, lpEncode, messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { MAX_MESSAGE_ADDRS, MAX_MESSAGE_BYTES } from '../src/constants.js'
import { hopCodec, limitsFromMessage, peerIdFromPeer, readMessage, stopCodec } from '../src/messages.js'
import { HopMessage, Status, StopMessage } from '../src/pb/circuit.js'

const KNOWN_ERRORS = ['InvalidMessageError', 'MessageTooLargeError']

describe('hop and stop messages', () => {
  it('round-trips a reservation answer', () => {
    const message: HopMessage = {
      type: HopMessage.Type.STATUS,
      status: Status.OK,
      reservation: { expire: 1_700_000_000n, addrs: [Uint8Array.from([4, 127, 0, 0, 1])], voucher: Uint8Array.from([1, 2, 3]) },
      limit: { duration: 120, data: 131072n }
    }
    expect(hopCodec.decode(HopMessage.encode(message))).to.deep.equal(message)
  })

  it('writes the status codes of the spec on the wire', () => {
    // field 5 (status), varint 204 = NO_RESERVATION
    expect([...HopMessage.encode({ type: HopMessage.Type.STATUS, status: Status.NO_RESERVATION })]).to.deep.equal([0x08, 0x02, 0x28, 0xcc, 0x01])
    // field 4 (status), varint 100 = OK
    expect([...StopMessage.encode({ type: StopMessage.Type.STATUS, status: Status.OK })]).to.deep.equal([0x08, 0x01, 0x20, 0x64])
  })

  it('refuses an unknown status code', () => {
    expect(() => hopCodec.decode(Uint8Array.from([0x08, 0x02, 0x28, 0x7f]))).to.throw()
  })

  it('refuses more than MAX_MESSAGE_ADDRS addresses', () => {
    const addrs = Array.from({ length: MAX_MESSAGE_ADDRS + 1 }, () => Uint8Array.from([4, 1, 2, 3, 4]))
    expect(() => hopCodec.decode(HopMessage.encode({ type: HopMessage.Type.CONNECT, peer: { id: new Uint8Array(2), addrs } }))).to.throw()
  })

  it('reads a message without a type as InvalidMessageError', async () => {
    const [out, inb] = messageStreamPair()
    out.send(lpEncode(HopMessage.encode({ status: Status.OK })))
    await expect(readMessage(new HandshakeStream(inb), hopCodec, {})).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('reads an oversize message as MessageTooLargeError without reading it', async () => {
    const [out, inb] = messageStreamPair()
    out.send(encodeVarint(MAX_MESSAGE_BYTES + 1))
    await expect(readMessage(new HandshakeStream(inb), stopCodec, {})).to.eventually.be.rejected.with.property('name', 'MessageTooLargeError')
  })

  it('reads the peer id of a Peer message, InvalidMessageError for bytes that are not one', async () => {
    const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    expect(peerIdFromPeer({ id: peerId.toMultihash().bytes, addrs: [] }).equals(peerId)).to.equal(true)
    expect(() => peerIdFromPeer({ id: Uint8Array.from([1, 2, 3]), addrs: [] })).to.throw().with.property('name', 'InvalidMessageError')
    expect(() => peerIdFromPeer(undefined)).to.throw().with.property('name', 'InvalidMessageError')
  })

  it('turns the wire Limit into connection limits, 0 meaning none', () => {
    expect(limitsFromMessage(undefined)).to.equal(undefined)
    expect(limitsFromMessage({ duration: 0, data: 0n })).to.deep.equal({})
    expect(limitsFromMessage({ duration: 5, data: 10n })).to.deep.equal({ seconds: 5, bytes: 10n })
  })

  it('fuzz: any bytes either decode or give a typed error, for hop and stop', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), fc.boolean(), async (bytes, hop) => {
      const [out, inb] = messageStreamPair()
      out.send(lpEncode(bytes))
      try {
        const message = hop
          ? await readMessage(new HandshakeStream(inb), hopCodec, {})
          : await readMessage(new HandshakeStream(inb), stopCodec, {})
        expect(message.type).to.be.a('string')
      } catch (err: any) {
        expect(KNOWN_ERRORS).to.include(err.name)
      }
    }), { numRuns: 300 })
  })

  it('fuzz: encoded hop messages decode to themselves', () => {
    const arbPeer = fc.record({ id: fc.uint8Array({ maxLength: 40 }), addrs: fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 4 }) })
    const arbHop = fc.record({
      type: fc.constantFrom(HopMessage.Type.RESERVE, HopMessage.Type.CONNECT, HopMessage.Type.STATUS),
      peer: fc.option(arbPeer, { nil: undefined }),
      reservation: fc.option(fc.record({
        expire: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        addrs: fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 4 }),
        voucher: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined })
      }, { requiredKeys: ['addrs', 'expire'] }), { nil: undefined }),
      limit: fc.option(fc.record({ duration: fc.nat({ max: 2 ** 32 - 1 }), data: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }), { nil: undefined }),
      status: fc.option(fc.constantFrom(Status.OK, Status.RESERVATION_REFUSED, Status.RESOURCE_LIMIT_EXCEEDED, Status.PERMISSION_DENIED, Status.CONNECTION_FAILED, Status.NO_RESERVATION, Status.MALFORMED_MESSAGE, Status.UNEXPECTED_MESSAGE), { nil: undefined })
    }, { requiredKeys: ['type'] })
    fc.assert(fc.property(arbHop, (message) => {
      const decoded = hopCodec.decode(HopMessage.encode(message))
      expect(decoded.type).to.equal(message.type)
      expect(decoded.status).to.equal(message.status)
      expect(decoded.limit).to.deep.equal(message.limit)
      expect(decoded.peer?.id).to.deep.equal(message.peer?.id)
      expect(decoded.reservation?.expire).to.equal(message.reservation?.expire)
    }), { numRuns: 200 })
  })
})
