import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { decodePeer, emptyPeer, encodePeer, toPeer } from '../src/record.js'
import { createPeerId } from './fixtures.js'
import type { StoredPeer } from '../src/record.js'

describe('stored record encoding', () => {
  it('round-trips every field', () => {
    const stored: StoredPeer = {
      addresses: [
        { multiaddr: multiaddr('/ip4/1.2.3.4/tcp/1'), isCertified: true, expires: 0 },
        { multiaddr: multiaddr('/dns4/example.com/tcp/443/wss'), isCertified: false, expires: 1_700_000_000_123 }
      ],
      protocols: ['/a/1', '/b/1'],
      publicKey: Uint8Array.from([8, 1, 18, 0]),
      peerRecordEnvelope: Uint8Array.from([1, 2, 3]),
      metadata: new Map([['AgentVersion', Uint8Array.from([65])]]),
      tags: new Map([['t', { value: 100, expires: 5 }], ['u', { value: 0, expires: 0 }]]),
      updated: 1_700_000_000_000
    }
    const decoded = decodePeer(encodePeer(stored))
    expect(decoded.addresses.map(a => ({ ...a, multiaddr: a.multiaddr.toString() }))).to.deep.equal(stored.addresses.map(a => ({ ...a, multiaddr: a.multiaddr.toString() })))
    expect(decoded.protocols).to.deep.equal(stored.protocols)
    expect(decoded.publicKey).to.equalBytes(stored.publicKey!)
    expect(decoded.peerRecordEnvelope).to.equalBytes(stored.peerRecordEnvelope!)
    expect([...decoded.metadata]).to.deep.equal([...stored.metadata])
    expect([...decoded.tags]).to.deep.equal([...stored.tags])
    expect(decoded.updated).to.equal(stored.updated)
  })

  it('an empty peer encodes to almost nothing and decodes back', () => {
    const decoded = decodePeer(encodePeer(emptyPeer()))
    expect(decoded.addresses).to.deep.equal([])
    expect(decoded.publicKey).to.be.undefined()
    expect(decoded.peerRecordEnvelope).to.be.undefined()
  })

  it('toPeer hides expired addresses and tags and the expiry times', async () => {
    const id = await createPeerId()
    const peer = toPeer(id, {
      ...emptyPeer(),
      addresses: [
        { multiaddr: multiaddr('/ip4/1.1.1.1/tcp/1'), isCertified: false, expires: 100 },
        { multiaddr: multiaddr('/ip4/2.2.2.2/tcp/1'), isCertified: false, expires: 101 }
      ],
      tags: new Map([['old', { value: 1, expires: 100 }], ['new', { value: 2, expires: 0 }]])
    }, 100)
    expect(peer.addresses).to.deep.equal([{ multiaddr: multiaddr('/ip4/2.2.2.2/tcp/1'), isCertified: false }])
    expect([...peer.tags]).to.deep.equal([['new', { value: 2 }]])
  })

  it('decoding random bytes either works or throws InvalidMessageError (fast-check)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
      try {
        const decoded = decodePeer(bytes)
        decoded.addresses.forEach(a => a.multiaddr.toString())
      } catch (err: any) {
        expect(err.name).to.equal('InvalidMessageError')
      }
    }), { numRuns: 1000 })
  })
})
