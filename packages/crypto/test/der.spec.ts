import { expect } from 'aegir/chai'
import { decodeElement, decodeSequence, encodeElement, encodeUnsignedInteger, readBitString, readUnsignedInteger, TAG_INTEGER, TAG_OCTET_STRING } from '../src/util/der.js'
import { hex } from './fixtures/keys.js'

describe('DER reader', () => {
  it('reads short and long lengths', () => {
    expect(decodeElement(hex('0403010203'), TAG_OCTET_STRING).value).to.equalBytes(hex('010203'))
    const long = new Uint8Array(200).fill(7)
    expect(decodeElement(encodeElement(TAG_OCTET_STRING, long), TAG_OCTET_STRING).value).to.equalBytes(long)
  })

  it('refuses non-DER encodings with InvalidMessageError', () => {
    for (const bad of [
      '0481030102', // long form for a short length
      '048200030102', // length with a leading zero byte
      '0480010200', // indefinite length
      '04850000000001', // five length bytes
      '04030102', // truncated value
      '0403010203ff', // trailing bytes
      '1f0100', // multi-byte tag
      '04', // no length
      '0201' // truncated integer
    ]) {
      expect(() => decodeElement(hex(bad), TAG_OCTET_STRING), bad).to.throw().with.property('name', 'InvalidMessageError')
    }
  })

  it('reads only minimal, non-negative INTEGERs', () => {
    expect(readUnsignedInteger(decodeElement(hex('020200ff'), TAG_INTEGER))).to.equalBytes(hex('ff'))
    expect(readUnsignedInteger(decodeElement(hex('020100'), TAG_INTEGER))).to.equalBytes(hex('00'))
    for (const bad of ['020180', '02020001', '0200']) {
      expect(() => readUnsignedInteger(decodeElement(hex(bad), TAG_INTEGER)), bad).to.throw().with.property('name', 'InvalidMessageError')
    }
  })

  it('writes minimal INTEGERs', () => {
    expect(encodeUnsignedInteger(hex('0000ff'))).to.equalBytes(hex('020200ff'))
    expect(encodeUnsignedInteger(hex('7f'))).to.equalBytes(hex('02017f'))
    expect(encodeUnsignedInteger(hex('0000'))).to.equalBytes(hex('020100'))
  })

  it('refuses BIT STRINGs with unused bits and wrong tags', () => {
    expect(() => readBitString(decodeSequence(hex('3004030201ff'))[0])).to.throw().with.property('name', 'InvalidMessageError')
    expect(() => decodeSequence(hex('0400'))).to.throw().with.property('name', 'InvalidMessageError')
  })
})
