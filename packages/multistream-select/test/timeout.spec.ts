import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { handle, select } from '../src/index.js'
import { HEADER, hex, toHex } from './fixtures.js'

/** "/a\n" */
const A = '03 2f61 0a'

describe('negotiation timeout', () => {
  it('handle: aborts the stream with TimeoutError when the dialer never proposes', async () => {
    const [, listener] = messageStreamPair()
    const err = await handle(listener, ['/a'], { timeout: 30 }).then(() => undefined, (err) => err)
    expect(err).to.have.property('name', 'TimeoutError')
    expect(listener.status).to.equal('aborted')
  })

  it('select, several protocols: aborts the stream with TimeoutError when the listener never answers', async () => {
    const [dialer] = messageStreamPair()
    const err = await select(dialer, ['/a', '/b'], { timeout: 30 }).then(() => undefined, (err) => err)
    expect(err).to.have.property('name', 'TimeoutError')
    expect(dialer.status).to.equal('aborted')
  })

  it('select, one protocol: returns at once, then aborts the stream when the confirmation does not come in time', async () => {
    const [dialer, listener] = messageStreamPair()
    const stream = await select(dialer, '/a', { timeout: 30 })
    expect(toHex(await listener.read())).to.equal(toHex(hex(`${HEADER} ${A}`)))
    await expect(stream.read()).to.eventually.be.rejected.with.property('name', 'TimeoutError')
    expect(stream.status).to.equal('aborted')
  })

  it('leaves a negotiation that finished in time alone, and times out the later ones', async () => {
    // one finishes, then one stalls: when the stalled one times out, the first is still open
    const [dialer1, listener1] = messageStreamPair()
    const finishing = handle(listener1, ['/a'], { timeout: 40 })
    dialer1.send(hex(`${HEADER} ${A}`))
    const done = await finishing
    expect(done.protocol).to.equal('/a')
    const [, listener2] = messageStreamPair()
    await expect(handle(listener2, ['/a'], { timeout: 40 })).to.eventually.be.rejected.with.property('name', 'TimeoutError')
    expect(listener1.status).to.equal('open')
    // and an optimistic select whose confirmation arrived
    const [dialer3, listener3] = messageStreamPair()
    const stream = await select(dialer3, '/a', { timeout: 40 })
    listener3.send(hex(`${HEADER} ${A} 07`))
    expect(toHex(await stream.read())).to.equal('07')
    const [dialer4] = messageStreamPair()
    await expect(select(dialer4, ['/a', '/b'], { timeout: 40 })).to.eventually.be.rejected.with.property('name', 'TimeoutError')
    expect(stream.status).to.equal('open')
  })

  it('times out many stalled negotiations of one duration, each once', async () => {
    const listeners = Array.from({ length: 20 }, () => messageStreamPair()[1])
    const results = await Promise.all(listeners.map(async (l) => handle(l, ['/a'], { timeout: 25 }).then(() => 'ok', (err) => err.name)))
    expect(results).to.deep.equal(listeners.map(() => 'TimeoutError'))
  })
})

describe('encoded protocol cache', () => {
  it('negotiates non-ASCII protocols both ways, repeatedly, and still refuses bad ones after good ones', async () => {
    for (let i = 0; i < 3; i++) {
      const [dialer, listener] = messageStreamPair()
      const handling = handle(listener, ['/é/1', '/a'])
      const stream = await select(dialer, ['/é/1', '/b'])
      expect(stream.protocol).to.equal('/é/1')
      expect((await handling).protocol).to.equal('/é/1')
    }
    const [dialer] = messageStreamPair()
    await expect(select(dialer, ['/a\nb'])).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(select(messageStreamPair()[0], '/é/1', { maxDataLength: 4 })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
