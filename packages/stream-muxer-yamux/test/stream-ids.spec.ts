import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { MAX_ID_GAP_RANGES } from '../src/constants.js'
import { RemoteStreamIds, SessionStreamIds } from '../src/stream-ids.js'

describe('remote stream ids', () => {
  it('accepts growing ids once each', () => {
    const ids = new RemoteStreamIds(1)
    expect(ids.open(1)).to.equal(true)
    expect(ids.open(3)).to.equal(true)
    expect(ids.open(3)).to.equal(false)
    expect(ids.existed(1)).to.equal(true)
    expect(ids.existed(5)).to.equal(false)
  })

  it('accepts skipped ids later, once, and knows they did not exist before', () => {
    const ids = new RemoteStreamIds(2)
    expect(ids.open(10)).to.equal(true)
    expect(ids.existed(4)).to.equal(false)
    expect(ids.open(4)).to.equal(true)
    expect(ids.existed(4)).to.equal(true)
    expect(ids.open(4)).to.equal(false)
    for (const id of [2, 8, 6]) { expect(ids.open(id)).to.equal(true) }
    expect(ids.open(6)).to.equal(false)
  })

  it('matches a model that remembers every id, while the gaps fit', () => {
    // each SYN adds at most one gap range, so 60 SYNs stay within MAX_ID_GAP_RANGES
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 60 }), (steps) => {
      const ids = new RemoteStreamIds(1)
      const used = new Set<number>()
      const mismatches: string[] = []
      for (const step of steps) {
        const id = step * 2 + 1
        if (ids.open(id) === used.has(id)) { mismatches.push(`open(${id})`) }
        used.add(id)
        for (let probe = 1; probe <= 401; probe += 2) {
          if (ids.existed(probe) !== used.has(probe)) { mismatches.push(`existed(${probe})`) }
        }
      }
      expect(mismatches).to.deep.equal([])
    }), { numRuns: 300 })
  })

  it('stays bounded when the remote skips ids wildly', () => {
    const ids = new RemoteStreamIds(1)
    for (let i = 0; i < 10_000; i++) { expect(ids.open(1 + i * 20_000)).to.equal(true) }
    // the oldest gaps are forgotten: an id there counts as used
    expect(ids.open(3)).to.equal(false)
    // recent ones are remembered
    expect(ids.open(1 + 9_999 * 20_000 - 2)).to.equal(true)
    expect(MAX_ID_GAP_RANGES).to.be.lessThan(10_000)
  })
})

describe('session stream ids', () => {
  it('gives the client odd ids and the server even ones, growing', () => {
    const client = new SessionStreamIds(true)
    const server = new SessionStreamIds(false)
    expect([client.next(), client.next(), client.next()]).to.deep.equal([1, 3, 5])
    expect([server.next(), server.next()]).to.deep.equal([2, 4])
  })

  it('tells late frames for finished streams (ignored) from frames for ids never opened (ProtocolError)', () => {
    const ids = new SessionStreamIds(true)
    ids.next()
    ids.openRemote(2)
    expect(() => { ids.checkFinished(1, 1) }).to.not.throw()
    expect(() => { ids.checkFinished(2, 0) }).to.not.throw()
    expect(() => { ids.checkFinished(3, 1) }).to.throw().with.property('name', 'ProtocolError')
    expect(() => { ids.checkFinished(4, 0) }).to.throw().with.property('name', 'ProtocolError')
  })

  it('refuses a remote SYN with our parity or a used id (ProtocolError)', () => {
    const ids = new SessionStreamIds(false)
    expect(() => { ids.openRemote(2) }).to.throw(/our parity/).with.property('name', 'ProtocolError')
    ids.openRemote(1)
    expect(() => { ids.openRemote(1) }).to.throw(/reuses/).with.property('name', 'ProtocolError')
  })
})
