import { InvalidParametersError } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { mdns } from '../src/index.js'
import type { MulticastDNSComponents } from '../src/index.js'

describe('mdns()', () => {
  const components = (): MulticastDNSComponents => ({ addressManager: { getAddresses: () => [] } as any, logger: defaultLogger() })

  it('has js-libp2p\'s tag and capability', () => {
    const d = mdns()(components())
    expect(Object.prototype.toString.call(d)).to.equal('[object @libp2p/mdns]')
    expect((d as any)[Symbol.for('@libp2p/service-capabilities')]).to.deep.equal(['@libp2p/peer-discovery'])
    expect((d as any)[Symbol.for('@libp2p/peer-discovery')]).to.equal(d)
  })

  for (const peerName of ['', 'a'.repeat(64), 'two.labels']) {
    it(`refuses the peerName "${peerName}" with InvalidParametersError`, () => {
      expect(() => mdns({ peerName })(components())).to.throw().with.property('name', InvalidParametersError.name)
    })
  }
})
