import { messageStreamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import {
  DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGES, MAX_SENT_PART_BYTES, MAX_SENT_PARTS, MAX_SENT_RECORD_PART_BYTES,
  SINGLE_MESSAGE_BYTES
} from '../src/constants.js'
import { mergeIdentify, readIdentify, writeIdentify } from '../src/message-io.js'
import { Identify } from '../src/pb/message.js'
import { splitIdentify } from '../src/split-message.js'

const limits = { maxMessageSize: DEFAULT_MAX_MESSAGE_BYTES, maxMessages: DEFAULT_MAX_MESSAGES }

function addrs (count: number): Array<Uint8Array<ArrayBuffer>> {
  return Array.from({ length: count }, (_, i) =>
    multiaddr(`/ip4/10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/tcp/${4000 + (i % 1000)}`).bytes as Uint8Array<ArrayBuffer>)
}

function protocols (count: number): string[] {
  return Array.from({ length: count }, (_, i) => `/example/protocol-number-${i}/1.0.0`)
}

function message (init: Partial<Identify> = {}): Identify {
  return {
    protocolVersion: 'ipfs/0.1.0',
    agentVersion: 'test/1.0.0',
    publicKey: Uint8Array.from([8, 1, 18, 32, ...new Uint8Array(32).fill(7)]),
    listenAddrs: addrs(2),
    observedAddr: multiaddr('/ip4/10.0.0.1/tcp/4001').bytes as Uint8Array<ArrayBuffer>,
    protocols: protocols(3),
    ...init
  }
}

function merge (parts: Identify[]): Identify {
  return parts.reduce((into, next) => mergeIdentify(into, next))
}

/** every part within what each implementation reads: 4 KiB, the record alone 8 KiB, 9 parts */
function expectReadableEverywhere (parts: Identify[]): void {
  expect(parts.length).to.be.within(1, MAX_SENT_PARTS)
  for (const part of parts) {
    const size = Identify.encode(part).byteLength
    if (part.signedPeerRecord != null && parts.length > 1) {
      expect(part).to.deep.equal({ listenAddrs: [], protocols: [], signedPeerRecord: part.signedPeerRecord })
      expect(size).to.be.at.most(MAX_SENT_RECORD_PART_BYTES)
    } else if (parts.length > 1) {
      expect(size).to.be.at.most(MAX_SENT_PART_BYTES)
    }
  }
}

describe('splitting our identify message', () => {
  it('sends a message of up to 2 KiB as it is', () => {
    const small = message({ signedPeerRecord: new Uint8Array(300) as Uint8Array<ArrayBuffer> })
    expect(Identify.encode(small).byteLength).to.be.at.most(SINGLE_MESSAGE_BYTES)
    expect(splitIdentify(small)).to.deep.equal({ parts: [small] })
  })

  it('past 2 KiB sends the signed peer record in a message of its own, as go-libp2p does', () => {
    const record = new Uint8Array(1500).fill(3) as Uint8Array<ArrayBuffer>
    const full = message({ listenAddrs: addrs(40), signedPeerRecord: record })
    expect(Identify.encode(full).byteLength).to.be.above(SINGLE_MESSAGE_BYTES)
    const { parts, leftOut } = splitIdentify(full)
    expect(leftOut).to.equal(undefined)
    const { signedPeerRecord, ...base } = full
    expect(parts).to.deep.equal([base, { listenAddrs: [], protocols: [], signedPeerRecord: record }])
  })

  it('splits many protocols and addresses into 4 KiB parts that merge back to the message', () => {
    const full = message({ listenAddrs: addrs(400), protocols: protocols(150), signedPeerRecord: new Uint8Array(5000) as Uint8Array<ArrayBuffer> })
    const { parts, leftOut } = splitIdentify(full)
    expect(leftOut).to.equal(undefined)
    expect(parts.length).to.be.above(3)
    expectReadableEverywhere(parts)
    expect(merge(parts)).to.deep.equal(full)

    // the first part alone is a complete message for a reader that takes one (rust-libp2p):
    // every singular field, then protocols first
    const first = parts[0]
    expect(first.publicKey).to.deep.equal(full.publicKey)
    expect(first.observedAddr).to.deep.equal(full.observedAddr)
    expect(first.agentVersion).to.equal(full.agentVersion)
    expect(first.protocolVersion).to.equal(full.protocolVersion)
    expect(first.protocols).to.deep.equal(full.protocols.slice(0, first.protocols.length))
    expect(first.protocols.length).to.be.above(50)
    for (const part of parts.slice(1)) {
      expect(part.publicKey).to.equal(undefined)
      expect(part.agentVersion).to.equal(undefined)
    }
  })

  it('goes over a stream and is read back whole by readIdentify with its default limits', async () => {
    const full = message({ listenAddrs: addrs(300), protocols: protocols(100), signedPeerRecord: new Uint8Array(7000) as Uint8Array<ArrayBuffer> })
    const { parts } = splitIdentify(full)
    const [out, inb] = messageStreamPair()
    const reading = readIdentify(inb, limits)
    await writeIdentify(out, parts)
    await out.closeWrite()
    expect(await reading).to.deep.equal(full)
  })

  it('leaves out what does not fit in 9 parts, and says so', () => {
    const full = message({ listenAddrs: addrs(4000), signedPeerRecord: new Uint8Array(100) as Uint8Array<ArrayBuffer> })
    const { parts, leftOut } = splitIdentify(full)
    expect(parts).to.have.length(MAX_SENT_PARTS)
    expectReadableEverywhere(parts)
    const merged = merge(parts)
    expect(merged.signedPeerRecord).to.deep.equal(full.signedPeerRecord)
    expect(merged.protocols).to.deep.equal(full.protocols)
    expect(leftOut?.listenAddrs).to.be.above(0)
    expect(merged.listenAddrs.length + (leftOut?.listenAddrs ?? 0)).to.equal(full.listenAddrs.length)
    expect(merged.listenAddrs).to.deep.equal(full.listenAddrs.slice(0, merged.listenAddrs.length))
  })

  it('leaves out a signed peer record over 8 KiB, which no implementation would read', () => {
    const full = message({ signedPeerRecord: new Uint8Array(MAX_SENT_RECORD_PART_BYTES) as Uint8Array<ArrayBuffer> })
    const { parts, leftOut } = splitIdentify(full)
    expect(leftOut).to.deep.equal({ listenAddrs: 0, protocols: 0, signedPeerRecord: true })
    const { signedPeerRecord, ...base } = full
    expect(parts).to.deep.equal([base])
  })

  it('any message: parts within the limits, merging back to what was not left out (fuzz)', () => {
    const arbMessage = fc.record({
      agentVersion: fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
      publicKey: fc.option(fc.uint8Array({ maxLength: 600 }), { nil: undefined }),
      listenAddrs: fc.array(fc.uint8Array({ maxLength: 5000 }), { maxLength: 600 }),
      protocols: fc.array(fc.string({ maxLength: 200, unit: 'grapheme' }), { maxLength: 300 }),
      signedPeerRecord: fc.option(fc.uint8Array({ maxLength: 9000 }), { nil: undefined })
    })
    fc.assert(fc.property(arbMessage, (arb) => {
      const full = arb as Identify
      const { parts, leftOut } = splitIdentify(full)
      expectReadableEverywhere(parts)
      const merged = merge(parts)
      expect(merged.agentVersion).to.equal(full.agentVersion)
      expect(merged.publicKey).to.deep.equal(full.publicKey)
      expect(merged.listenAddrs.length + (leftOut?.listenAddrs ?? 0)).to.equal(full.listenAddrs.length)
      expect(merged.protocols.length + (leftOut?.protocols ?? 0)).to.equal(full.protocols.length)
      expect(merged.signedPeerRecord == null).to.equal(full.signedPeerRecord == null || leftOut?.signedPeerRecord === true)
      if (leftOut == null) { expect(merged).to.deep.equal(full) }
    }), { numRuns: 200 })
  })
})
