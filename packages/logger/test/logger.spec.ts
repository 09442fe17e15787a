import { expect } from 'aegir/chai'
import debug from '../src/debug.js'
import { MAX_CACHED_LOGGERS, defaultLogger, disable, enable, enabled, logger, peerLogger, prefixLogger } from '../src/index.js'
import type { PeerId } from '@libp2p/interface'

/**
 * Renders what debug hands to its output function the way a console does: `%c` consumes a CSS
 * argument (browser colours), other placeholders left by debug take the next argument.
 */
function render (args: any[]): string {
  let i = 1
  return String(args[0]).replace(/%([a-zA-Z%])/g, (match, letter: string) => {
    if (letter === '%') {
      return '%'
    }
    const arg = args[i++]
    return letter === 'c' ? '' : String(arg)
  })
}

describe('logger', () => {
  let previous: string
  let lines: string[]
  const originalLog = debug.log

  beforeEach(() => {
    previous = disable()
    lines = []
    // debug calls this with its formatted arguments
    debug.log = (...args: any[]) => { lines.push(render(args)) }
  })

  afterEach(() => {
    debug.log = originalLog
    enable(previous)
  })

  it('is silent until its namespace is enabled', () => {
    const log = logger('libp2p:test:silent')
    expect(log.enabled).to.equal(false)
    log('nothing %s', 'here')
    expect(lines).to.deep.equal([])

    enable('libp2p:test:silent')
    expect(log.enabled).to.equal(true)
    log('hello %s', 'world')
    expect(lines).to.have.lengthOf(1)
    expect(lines[0]).to.include('libp2p:test:silent')
    expect(lines[0]).to.include('hello world')

    disable()
    expect(log.enabled).to.equal(false)
    log('after disable')
    expect(lines).to.have.lengthOf(1)
  })

  it('enables by wildcard and honours exclusions', () => {
    enable('libp2p:*,-libp2p:test:excluded')
    expect(enabled('libp2p:test:anything')).to.equal(true)
    expect(enabled('libp2p:test:excluded')).to.equal(false)
    expect(enabled('other:thing')).to.equal(false)
    expect(logger('libp2p:test:wild').enabled).to.equal(true)
    expect(logger('libp2p:test:excluded').enabled).to.equal(false)
  })

  it('writes errors to <name>:error and trace to <name>:trace', () => {
    const log = logger('libp2p:test:levels')

    enable('libp2p:test:levels:error')
    expect(log.enabled).to.equal(false)
    expect(enabled('libp2p:test:levels:error')).to.equal(true)
    expect(enabled('libp2p:test:levels:trace')).to.equal(false)
    log('plain')
    log.trace('trace')
    log.error('bad %s', 'thing')
    expect(lines).to.have.lengthOf(1)
    expect(lines[0]).to.include('libp2p:test:levels:error')
    expect(lines[0]).to.include('bad thing')

    enable('libp2p:test:levels:trace')
    log.trace('step %d', 3)
    expect(lines).to.have.lengthOf(2)
    expect(lines[1]).to.include('libp2p:test:levels:trace')
    expect(lines[1]).to.include('step 3')

    // a wildcard turns on all three; trace can be excluded
    enable('libp2p:test:*,-*:trace')
    expect(log.enabled).to.equal(true)
    expect(enabled('libp2p:test:levels:error')).to.equal(true)
    expect(enabled('libp2p:test:levels:trace')).to.equal(false)
  })

  it('formats with the custom letters when enabled', () => {
    enable('libp2p:test:format,libp2p:test:format:error')
    const log = logger('libp2p:test:format')
    const bytes = new TextEncoder().encode('hello world')
    const addr = { toString: () => '/ip4/127.0.0.1/tcp/4001' }
    const peer = { toString: () => '12D3KooWpeer' }
    const err = new Error('boom')

    log('%b %t %m %a %p %c %k 100%% %s', bytes, bytes, bytes, addr, peer, { toString: () => 'bafycid' }, { toString: () => '/key' }, 'done')
    log.error('failed %e', err)

    expect(lines).to.have.lengthOf(2)
    expect(lines[0]).to.include('StV1DL6CwTryKyV nbswy3dpeb3w64tmmq aGVsbG8gd29ybGQ /ip4/127.0.0.1/tcp/4001 12D3KooWpeer bafycid /key 100%')
    expect(lines[1]).to.include('failed Error: boom')
  })

  it('does not run formatters when disabled', () => {
    const log = logger('libp2p:test:lazy')
    let calls = 0
    const expensive = { toString: () => { calls++; return 'x' } }

    log('%p %a', expensive, expensive)
    log.error('%p', expensive)
    log.trace('%a', expensive)
    expect(calls).to.equal(0)

    enable('libp2p:test:lazy')
    log('%p %a', expensive, expensive)
    expect(calls).to.equal(2)
  })

  it('defaultLogger uses the component name as-is', () => {
    const log = defaultLogger().forComponent('libp2p:test:component')
    expect(log).to.equal(logger('libp2p:test:component'))

    enable('libp2p:test:component')
    log('from component')
    expect(lines[0]).to.include('libp2p:test:component')
  })

  it('prefixLogger names loggers <prefix>:<name>', () => {
    const a = prefixLogger('node-a').forComponent('libp2p:tcp')
    const b = prefixLogger('node-b').forComponent('libp2p:tcp')

    enable('node-a:*')
    expect(a.enabled).to.equal(true)
    expect(b.enabled).to.equal(false)
    expect(defaultLogger().forComponent('libp2p:tcp').enabled).to.equal(false)
    a('only a')
    b('not b')
    expect(lines).to.have.lengthOf(1)
    expect(lines[0]).to.include('node-a:libp2p:tcp')
    expect(a).to.equal(logger('node-a:libp2p:tcp'))
  })

  it('caches loggers by name up to MAX_CACHED_LOGGERS, evicting the oldest', () => {
    const first = logger('libp2p:test:cache:first')
    expect(logger('libp2p:test:cache:first')).to.equal(first)

    // fill the cache with other names: the first one is the oldest and goes
    for (let i = 0; i < MAX_CACHED_LOGGERS; i++) {
      logger(`libp2p:test:cache:${i}`)
    }

    const recent = logger(`libp2p:test:cache:${MAX_CACHED_LOGGERS - 1}`)
    expect(logger(`libp2p:test:cache:${MAX_CACHED_LOGGERS - 1}`)).to.equal(recent)

    const again = logger('libp2p:test:cache:first')
    expect(again).to.not.equal(first)

    // an evicted logger keeps working
    enable('libp2p:test:cache:first')
    expect(first.enabled).to.equal(true)
    expect(again.enabled).to.equal(true)
    first('still works')
    expect(lines).to.have.lengthOf(1)
  })

  it('newScope names a logger <name>:<scope> with its own error and trace', () => {
    const parent = logger('libp2p:test:parent')
    const scoped = parent.newScope('child')

    expect(scoped).to.equal(logger('libp2p:test:parent:child'))
    expect(scoped.newScope('deeper')).to.equal(logger('libp2p:test:parent:child:deeper'))
    enable('libp2p:test:parent:child*')
    expect(parent.enabled).to.equal(false)
    expect(scoped.enabled).to.equal(true)
    parent('not this')
    scoped('scoped %s', 'line')
    scoped.error('scoped failure')
    expect(lines).to.have.lengthOf(2)
    expect(lines[0]).to.include('libp2p:test:parent:child scoped line')
    expect(lines[1]).to.include('libp2p:test:parent:child:error scoped failure')
  })

  it('peerLogger prefixes loggers with the start and end of the peer id', () => {
    // only toString() is read, so a stand-in keeps this package free of a peer-id dependency
    const peerId = { toString: () => '12D3KooWExamplePeerIdEndingXyZ1' } as unknown as PeerId

    expect(peerLogger(peerId).forComponent('libp2p:tcp')).to.equal(logger('12…XyZ1:libp2p:tcp'))
    expect(peerLogger(peerId, { prefixLength: 8, suffixLength: 2 }).forComponent('x')).to.equal(logger('12D3KooW…Z1:x'))
    expect(peerLogger(peerId, { suffixLength: 0 }).forComponent('x')).to.equal(logger('12…:x'))

    enable('12…XyZ1:*')
    peerLogger(peerId).forComponent('libp2p:tcp')('from %s', 'the peer')
    expect(lines).to.have.lengthOf(1)
    expect(lines[0]).to.include('12…XyZ1:libp2p:tcp from the peer')
  })
})
