import { Uint8ArrayList } from 'uint8arraylist'

/** bytes from hex; spaces and newlines are ignored so wire dumps can be laid out */
export function hex (text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '')
  if (clean.length % 2 !== 0) { throw new RangeError(`odd hex length: ${clean}`) }
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16)
  }
  return out
}

export function toHex (data: Uint8Array | Uint8ArrayList | null | undefined): string {
  if (data == null) { return '<null>' }
  const bytes = data instanceof Uint8Array ? data : data.subarray()
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}

export function text (s: string): Uint8Array {
  return new TextEncoder().encode(s)
}

export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  return new Uint8ArrayList(...parts).subarray()
}

// Wire forms of the spec's messages, computed by hand: <varint length><text>\n

/** 0x13 = 19 bytes: "/multistream/1.0.0" (18) + "\n" */
export const HEADER = '13 2f6d756c746973747265616d2f312e302e30 0a'
/** 0x10 = 16 bytes: "/ipfs/kad/1.0.0\n" */
export const KAD_1_0_0 = '10 2f697066732f6b61642f312e302e30 0a'
/** 0x10 = 16 bytes: "/ipfs/kad/0.2.3\n" */
export const KAD_0_2_3 = '10 2f697066732f6b61642f302e322e33 0a'
/** 0x14 = 20 bytes: "/ipfs/bitswap/0.4.3\n" */
export const BITSWAP_0_4_3 = '14 2f697066732f626974737761702f302e342e33 0a'
/** 0x14 = 20 bytes: "/ipfs/bitswap/1.0.0\n" */
export const BITSWAP_1_0_0 = '14 2f697066732f626974737761702f312e302e30 0a'
/** the spec: "na\n" is 0x036e610a */
export const NA = '03 6e61 0a'
/** the spec: "ls\n" is 0x036c730a */
export const LS = '03 6c73 0a'
/**
 * The `ls` answer listing the four protocols of the spec's example: one message whose body is
 * each protocol as its own message, then the closing "\n".
 * 0x4d = 77 = (1 + 16) + (1 + 16) + (1 + 20) + (1 + 20) + 1
 */
export const LS_RESPONSE = `4d ${KAD_0_2_3} ${KAD_1_0_0} ${BITSWAP_0_4_3} ${BITSWAP_1_0_0} 0a`

/** the errors bad input from the network may produce */
export const WIRE_ERRORS = ['InvalidMessageError', 'MessageTooLargeError', 'ProtocolError', 'UnsupportedProtocolError']
