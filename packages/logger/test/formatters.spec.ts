import { expect } from 'aegir/chai'
import { CID } from 'multiformats/cid'
import { formatError, formatters } from '../src/formatters.js'

const HELLO = new TextEncoder().encode('hello world')
const LEADING_ZEROS = Uint8Array.from([0, 0, 1, 255])

class BoomError extends Error {
  static name = 'BoomError'
  name = 'BoomError'
}

describe('formatters', () => {
  it('%b encodes bytes as base58btc without a multibase prefix', () => {
    expect(formatters.b(HELLO)).to.equal('StV1DL6CwTryKyV')
    expect(formatters.b(LEADING_ZEROS)).to.equal('119p')
    expect(formatters.b(new Uint8Array(0))).to.equal('')
  })

  it('%t encodes bytes as base32 without a multibase prefix', () => {
    expect(formatters.t(HELLO)).to.equal('nbswy3dpeb3w64tmmq')
    expect(formatters.t(LEADING_ZEROS)).to.equal('aaaad7y')
  })

  it('%m encodes bytes as base64 without a multibase prefix or padding', () => {
    expect(formatters.m(HELLO)).to.equal('aGVsbG8gd29ybGQ')
    expect(formatters.m(LEADING_ZEROS)).to.equal('AAAB/w')
  })

  it('byte formatters accept a list with subarray() and fall back to String() otherwise', () => {
    const list = { subarray: () => HELLO }
    expect(formatters.b(list)).to.equal('StV1DL6CwTryKyV')
    expect(formatters.t(undefined)).to.equal('undefined')
    expect(formatters.m(null)).to.equal('null')
    expect(formatters.b('text')).to.equal('text')
  })

  it('%c prints a CID by toString()', () => {
    const cid = CID.parse('bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi')
    expect(formatters.c(cid)).to.equal('bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi')
  })

  it('%p, %k and %a print by toString()', () => {
    const peerId = { toString: () => '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA' }
    const key = { toString: () => '/peers/abc' }
    const multiaddr = { toString: () => '/ip4/127.0.0.1/tcp/4001' }
    expect(formatters.p(peerId)).to.equal('12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA')
    expect(formatters.k(key)).to.equal('/peers/abc')
    expect(formatters.a(multiaddr)).to.equal('/ip4/127.0.0.1/tcp/4001')
    expect(formatters.p(undefined)).to.equal('undefined')
  })

  it('%e prints name, message and stack of an error', () => {
    const err = new BoomError('it broke')
    const out = formatError(err)
    expect(out.startsWith('BoomError: it broke')).to.equal(true)
    if (typeof err.stack === 'string' && err.stack !== '') {
      // the stack's frames follow the header, and the header is not repeated
      expect(out).to.include(err.stack.split('\n').slice(1).join('\n'))
      expect(out.split('BoomError: it broke')).to.have.lengthOf(2)
    }
    expect(formatters.e).to.equal(formatError)
  })

  it('%e prints only the header when there is no stack', () => {
    const err = new BoomError('no stack')
    err.stack = undefined
    expect(formatError(err)).to.equal('BoomError: no stack')

    const empty = new BoomError()
    empty.stack = undefined
    expect(formatError(empty)).to.equal('BoomError')
  })

  it('%e adds the header to a stack that lacks it (Firefox/Safari style)', () => {
    const err = new BoomError('frames only')
    err.stack = 'fn@http://127.0.0.1/test.js:1:2'
    expect(formatError(err)).to.equal('BoomError: frames only\nfn@http://127.0.0.1/test.js:1:2')
  })

  it('%e follows cause and AggregateError errors', () => {
    const inner = new BoomError('inner')
    inner.stack = undefined
    const outer = new BoomError('outer', { cause: inner })
    outer.stack = undefined
    expect(formatError(outer)).to.equal('BoomError: outer\nCaused by: BoomError: inner')

    const many = new AggregateError(Array.from({ length: 12 }, (_, i) => {
      const e = new BoomError(`e${i}`)
      e.stack = undefined
      return e
    }), 'all failed')
    many.stack = undefined
    const lines = formatError(many).split('\n')
    expect(lines[0]).to.equal('AggregateError: all failed')
    expect(lines[1]).to.equal('  BoomError: e0')
    expect(lines).to.have.lengthOf(12)
    expect(lines[11]).to.equal('  ...and 2 more')
  })

  it('%e stops following causes after a few levels', () => {
    const a: Error & { cause?: unknown } = new BoomError('loop')
    a.stack = undefined
    a.cause = a
    const out = formatError(a)
    expect(out.split('Caused by:')).to.have.lengthOf(4)
  })

  it('%e prints error-like objects and non-errors', () => {
    expect(formatError({ name: 'RemoteError', message: 'from a worker' })).to.equal('RemoteError: from a worker')
    expect(formatError('a string')).to.equal('a string')
    expect(formatError(undefined)).to.equal('undefined')
  })
})
