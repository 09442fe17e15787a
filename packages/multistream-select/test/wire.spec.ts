import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { handle, select } from '../src/index.js'
import { encodeList, encodeMessage } from '../src/messages.js'
import { BITSWAP_1_0_0, HEADER, KAD_0_2_3, KAD_1_0_0, LS, LS_RESPONSE, NA, hex, toHex } from './fixtures.js'

const KAD = ['/ipfs/kad/0.2.3', '/ipfs/kad/1.0.0', '/ipfs/bitswap/0.4.3', '/ipfs/bitswap/1.0.0']
const hexOf = (s: string): string => toHex(hex(s))

describe('wire format (the spec\'s examples, byte for byte)', () => {
  it('encodes messages as <varint length><text>\\n', () => {
    expect(toHex(encodeMessage('na'))).to.equal('036e610a')
    expect(toHex(encodeMessage('ls'))).to.equal('036c730a')
    expect(toHex(encodeMessage('/multistream/1.0.0'))).to.equal(hexOf(HEADER))
    expect(toHex(encodeMessage('/ipfs/kad/1.0.0'))).to.equal(hexOf(KAD_1_0_0))
    // a 127-byte message still has a one-byte prefix, 128 bytes need two (0x80 0x01)
    expect(toHex(encodeMessage('a'.repeat(126)).subarray(0, 1))).to.equal('7f')
    expect(toHex(encodeMessage('a'.repeat(127)).subarray(0, 2))).to.equal('8001')
  })

  it('encodes the ls answer as a message of messages ending in \\n\\n', () => {
    expect(toHex(encodeList(KAD))).to.equal(hexOf(LS_RESPONSE))
    expect(toHex(encodeList(KAD)).endsWith('0a0a')).to.equal(true)
    // no protocols: the body is just the closing newline
    expect(toHex(encodeList([]))).to.equal('010a')
  })

  it('dialer: header and first proposal in one write; after na the next proposal', async () => {
    // > /multistream/1.0.0\n/ipfs/kad/1.0.0\n
    // < /multistream/1.0.0\nna\n
    // > /ipfs/kad/0.2.3\n
    // < /ipfs/kad/0.2.3\n
    const [dialer, listener] = messageStreamPair()
    const firstWrite = listener.read()
    const selecting = select(dialer, ['/ipfs/kad/1.0.0', '/ipfs/kad/0.2.3'])
    expect(toHex(await firstWrite)).to.equal(hexOf(HEADER + KAD_1_0_0))
    listener.send(hex(HEADER + NA))
    expect(toHex(await listener.read())).to.equal(hexOf(KAD_0_2_3))
    listener.send(hex(KAD_0_2_3))
    const stream = await selecting
    expect(stream.protocol).to.equal('/ipfs/kad/0.2.3')
  })

  it('dialer: one protocol is sent the same way, optimistically', async () => {
    const [dialer, listener] = messageStreamPair()
    const firstWrite = listener.read()
    const stream = await select(dialer, '/ipfs/kad/1.0.0')
    expect(toHex(await firstWrite)).to.equal(hexOf(HEADER + KAD_1_0_0))
    expect(stream.protocol).to.equal('/ipfs/kad/1.0.0')
  })

  it('listener: header and answer in one write', async () => {
    // > /multistream/1.0.0\n/ipfs/kad/1.0.0\n
    // < /multistream/1.0.0\n/ipfs/kad/1.0.0\n
    const [dialer, listener] = messageStreamPair()
    const answer = dialer.read()
    dialer.send(hex(HEADER + KAD_1_0_0))
    const stream = await handle(listener, KAD)
    expect(toHex(await answer)).to.equal(hexOf(HEADER + KAD_1_0_0))
    expect(stream.protocol).to.equal('/ipfs/kad/1.0.0')
  })

  it('listener: na, then the echo of the second proposal', async () => {
    const [dialer, listener] = messageStreamPair()
    const handling = handle(listener, ['/ipfs/kad/0.2.3'])
    const answer = dialer.read()
    dialer.send(hex(HEADER + KAD_1_0_0))
    expect(toHex(await answer)).to.equal(hexOf(HEADER + NA))
    dialer.send(hex(KAD_0_2_3))
    expect(toHex(await dialer.read())).to.equal(hexOf(KAD_0_2_3))
    expect((await handling).protocol).to.equal('/ipfs/kad/0.2.3')
  })

  it('listener: ls is answered with the list in the same write as the header', async () => {
    // > /multistream/1.0.0\nls\n
    // < /multistream/1.0.0\n<the list>
    const [dialer, listener] = messageStreamPair()
    const handling = handle(listener, KAD)
    const answer = dialer.read()
    dialer.send(hex(HEADER + LS))
    expect(toHex(await answer)).to.equal(hexOf(HEADER + LS_RESPONSE))
    dialer.send(hex(KAD_0_2_3))
    expect(toHex(await dialer.read())).to.equal(hexOf(KAD_0_2_3))
    expect((await handling).protocol).to.equal('/ipfs/kad/0.2.3')
  })

  it('listener: answers to pipelined messages leave in one write', async () => {
    const [dialer, listener] = messageStreamPair()
    const answer = dialer.read()
    dialer.send(hex(HEADER + LS + BITSWAP_1_0_0 + KAD_0_2_3))
    const stream = await handle(listener, ['/ipfs/kad/0.2.3'])
    expect(stream.protocol).to.equal('/ipfs/kad/0.2.3')
    expect(toHex(await answer)).to.equal(hexOf(`${HEADER} 12 ${KAD_0_2_3} 0a ${NA} ${KAD_0_2_3}`))
  })
})
