import { expect } from 'aegir/chai'
import { printable } from '../src/chat-session.js'
import { boundedLines } from '../src/stdin-lines.js'

async function lines (chunks: string[], maxBytes: number): Promise<{ lines: string[], tooLong: number[] }> {
  const tooLong: number[] = []
  const out: string[] = []
  for await (const line of boundedLines((async function * () { yield * chunks.map(c => new TextEncoder().encode(c)) })(), maxBytes, n => tooLong.push(n))) {
    out.push(line)
  }
  return { lines: out, tooLong }
}

describe('libp2p chat: typed lines and printed text', () => {
  it('splits lines across chunks (\\n and \\r\\n, a last line without one), keeping multi-byte characters whole', async () => {
    const euro = '€'
    expect(await lines(['hel', 'lo\nwor', 'ld\r\n\nx ', euro.slice(0, 1), '\nlast'], 16)).to.deep.equal({ lines: ['hello', 'world', '', `x ${euro}`, 'last'], tooLong: [] })
    // the euro sign's three bytes arrive in two chunks
    const bytes = new TextEncoder().encode(`a${euro}\n`)
    const out: string[] = []
    for await (const line of boundedLines((async function * () { yield bytes.subarray(0, 2); yield bytes.subarray(2) })(), 16, () => {})) { out.push(line) }
    expect(out).to.deep.equal([`a${euro}`])
  })

  it('drops a line over the bound whole, however it is chunked, and goes on with the next', async () => {
    expect(await lines(['12345678', '9\nok\n'], 8)).to.deep.equal({ lines: ['ok'], tooLong: [9] })
    expect(await lines(['1234', '5678', '9abc', 'def\nok'], 8)).to.deep.equal({ lines: ['ok'], tooLong: [15] })
    expect(await lines(['12345678\n', '123456789'], 8)).to.deep.equal({ lines: ['12345678'], tooLong: [9] })
  })

  it('shows control characters from the network as \\xNN, so a message cannot drive the terminal', () => {
    expect(printable('hi \u001b[2J\u0007\r\nthere\u009b')).to.equal('hi \\x1b[2J\\x07\\x0d\\x0athere\\x9b')
    expect(printable('plain ünïcödé ✓')).to.equal('plain ünïcödé ✓')
  })
})
