import { expect } from 'aegir/chai'
import debug from '../src/debug.js'
import { disable, enable, logger } from '../src/index.js'

describe('browser backend (debug.browser.ts, no debug package)', () => {
  let previous: string
  let calls: any[][]
  const originalLog = debug.log

  beforeEach(() => {
    previous = disable()
    calls = []
    debug.log = (...args: any[]) => { calls.push(args) }
  })

  afterEach(() => {
    debug.log = originalLog
    enable(previous)
  })

  it('writes to console.debug by default', () => {
    const seen: any[][] = []
    /* eslint-disable no-console */
    const original = console.debug
    console.debug = (...args: any[]) => { seen.push(args) }

    try {
      debug.log = originalLog
      enable('libp2p:test:console')
      logger('libp2p:test:console')('hi %s', 'there')
    } finally {
      console.debug = original
    }
    /* eslint-enable no-console */

    expect(seen).to.have.lengthOf(1)
    expect(seen[0][0]).to.match(/^%clibp2p:test:console%c hi %s \+\d+ms$/)
    expect(seen[0].slice(3)).to.deep.equal(['there'])
  })

  it('leaves console placeholders and their arguments in order around custom letters', () => {
    enable('libp2p:test:order')
    logger('libp2p:test:order')('%s %b %o %j 50%%', 'a', Uint8Array.from([0, 1]), { x: 1 }, { y: 2 }, 'extra')

    expect(calls).to.have.lengthOf(1)
    const [message, nameStyle, resetStyle, ...rest] = calls[0]
    expect(message).to.match(/^%clibp2p:test:order%c %s 12 %o \{"y":2\} 50% \+\d+ms$/)
    expect(nameStyle).to.include('color:')
    expect(resetStyle).to.equal('color:inherit')
    expect(rest).to.deep.equal(['a', { x: 1 }, 'extra'])
  })

  it('logs a non-string first argument with %O and an error by its stack', () => {
    enable('libp2p:test:first')
    const log = logger('libp2p:test:first')
    const err = new Error('boom')

    log({ a: 1 })
    log(err)

    expect(calls[0][0]).to.match(/%c %O \+\d+ms$/)
    expect(calls[0][3]).to.deep.equal({ a: 1 })
    expect(calls[1][0]).to.include('Error: boom')
  })

  it('splits selections on spaces as well as commas', () => {
    enable('libp2p:test:a libp2p:test:b,-libp2p:test:b')
    expect(debug.enabled('libp2p:test:a')).to.equal(true)
    expect(debug.enabled('libp2p:test:b')).to.equal(false)
    expect(localStorage.getItem('debug')).to.equal('libp2p:test:a libp2p:test:b,-libp2p:test:b')
  })

  it('treats regular expression characters in a selection literally', () => {
    enable('libp2p:te.t')
    expect(debug.enabled('libp2p:te.t')).to.equal(true)
    expect(debug.enabled('libp2p:text')).to.equal(false)
  })
})
