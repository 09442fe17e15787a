import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { memory } from '@libp2p/memory'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { MAX_DIAL_TIER } from '../src/constants.js'
import { createLibp2p } from '../src/index.js'
import { TransportManager } from '../src/transport-manager.js'
import type { Libp2pEvents, Transport, Upgrader } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** a transport that only says its tag and which addresses it takes; it is never dialled here */
function fakeTransport (tag: unknown, accepts: (ma: Multiaddr) => boolean = () => true): Transport {
  return {
    [Symbol.toStringTag]: tag,
    dialFilter: (addrs: Multiaddr[]) => addrs.filter(accepts),
    listenFilter: (addrs: Multiaddr[]) => addrs.filter(accepts)
  } as unknown as Transport
}

function manager (): TransportManager {
  return new TransportManager({
    upgrader: {} as unknown as Upgrader,
    events: new TypedEventEmitter<Libp2pEvents>(),
    logger: defaultLogger()
  })
}

describe('TransportManager.add', () => {
  it('keeps transports with different tags', () => {
    const tm = manager()
    const a = fakeTransport('@test/a')
    const b = fakeTransport('@test/b')
    tm.add(a)
    tm.add(b)
    expect(tm.getTransports()).to.deep.equal([a, b])
  })

  it('refuses a second transport with a tag already added, naming the tag, and keeps the first', () => {
    const tm = manager()
    const first = fakeTransport('@test/same', ma => ma.toString().startsWith('/memory'))
    const second = fakeTransport('@test/same')
    tm.add(first)
    expect(() => { tm.add(second) })
      .to.throw().with.property('name', 'InvalidParametersError')
    expect(() => { tm.add(second) }).to.throw(/@test\/same/)
    expect(tm.getTransports()).to.have.length(1)
    expect(tm.getTransports()[0]).to.equal(first)
    // the first one still answers for its addresses, and no other
    expect(tm.transportForMultiaddr(multiaddr('/memory/x'))).to.equal(first)
    expect(tm.transportForMultiaddr(multiaddr('/ip4/127.0.0.1/tcp/1'))).to.equal(undefined)
  })

  it('refuses a transport without a tag', () => {
    const tm = manager()
    for (const tag of [undefined, '']) {
      expect(() => { tm.add(fakeTransport(tag)) })
        .to.throw().with.property('name', 'InvalidParametersError')
    }
    expect(tm.getTransports()).to.have.length(0)
  })

  it('createLibp2p fails when two configured transports share a tag', async () => {
    const err = await createLibp2p({ transports: [memory(), memory()], start: false })
      .then(async node => { await node.stop(); return undefined }, (e: any) => e)
    expect(err).to.have.property('name', 'InvalidParametersError')
    expect(err.message).to.include('@libp2p/memory')
  })
})

describe('TransportManager.dialProfile', () => {
  it('asks the transport that dials the address; one that says nothing dials unlimited at tier 0', () => {
    const tm = manager()
    const plain = fakeTransport('@test/plain', ma => ma.toString().startsWith('/memory'))
    const layered = Object.assign(fakeTransport('@test/layered', ma => ma.toString().startsWith('/ip4')), {
      dialProfile: () => ({ limited: true, tier: 1 })
    })
    tm.add(plain)
    tm.add(layered)
    expect(tm.dialProfile(multiaddr('/memory/x'))).to.deep.equal({ limited: false, tier: 0 })
    expect(tm.dialProfile(multiaddr('/ip4/127.0.0.1/tcp/1'))).to.deep.equal({ limited: true, tier: 1 })
    expect(tm.dialProfile(multiaddr('/dns4/example.com/tcp/1'))).to.equal(undefined)
  })

  it('refuses a tier that is not an integer from 0 to MAX_DIAL_TIER, naming the transport', () => {
    for (const tier of [-1, 1.5, MAX_DIAL_TIER + 1, Number.NaN]) {
      const tm = manager()
      tm.add(Object.assign(fakeTransport('@test/odd'), { dialProfile: () => ({ limited: false, tier }) }))
      expect(() => tm.dialProfile(multiaddr('/memory/x'))).to.throw(/@test\/odd/).with.property('name', 'InvalidParametersError')
    }
  })
})
