import { expect } from 'aegir/chai'
import { createNode, memoryAddr, nextEvent } from '../src/index.js'
import type { PeerId } from '@libp2p/interface'

describe('test fixtures', () => {
  it('memoryAddr() never repeats', () => {
    const addrs = new Set(Array.from({ length: 100 }, () => memoryAddr()))
    expect(addrs.size).to.equal(100)
  })

  it('createNode(): started nodes on fresh memory addresses that connect to each other', async () => {
    const a = await createNode()
    const b = await createNode()
    try {
      expect(a.status).to.equal('started')
      expect(a.getMultiaddrs()[0].toString()).to.not.equal(b.getMultiaddrs()[0].toString())
      const connected = nextEvent<PeerId>(a, 'peer:connect', id => id.equals(b.peerId))
      await b.dial(a.getMultiaddrs())
      expect((await connected).equals(b.peerId)).to.equal(true)
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  })

  it('nextEvent() skips events the filter refuses and resolves with the detail of the first it takes', async () => {
    const target = new EventTarget()
    const seven = nextEvent<number>(target, 'n', n => n > 5)
    for (const n of [1, 7, 9]) { target.dispatchEvent(new CustomEvent('n', { detail: n })) }
    expect(await seven).to.equal(7)
  })

  it('nextEvent() rejects with a TimeoutError naming the event when none comes in time', async () => {
    await expect(nextEvent(new EventTarget(), 'never', undefined, { timeout: 20 }))
      .to.eventually.be.rejected.with.property('name', 'TimeoutError')
  })
})
