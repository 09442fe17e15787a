import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { tcp } from '../src/index.js'
import type { Upgrader } from '@libp2p/interface'

describe('TCP transport in a browser', () => {
  const transport = tcp()({})
  const upgrader = {} as unknown as Upgrader

  it('accepts no addresses', () => {
    const addrs = [multiaddr('/ip4/127.0.0.1/tcp/4001'), multiaddr('/ip6/::1/tcp/4001'), multiaddr('/dns4/example.com/tcp/443')]
    expect(transport.dialFilter(addrs)).to.deep.equal([])
    expect(transport.listenFilter(addrs)).to.deep.equal([])
  })

  it('refuses to dial or listen with UnsupportedTransportError', async () => {
    await expect(transport.dial(multiaddr('/ip4/127.0.0.1/tcp/4001'), { upgrader, signal: AbortSignal.timeout(10_000) })).to.eventually.be.rejected.with.property('name', 'UnsupportedTransportError')
    expect(() => transport.createListener({ upgrader })).to.throw().with.property('name', 'UnsupportedTransportError')
  })

  it('is a transport', () => {
    expect(transport[Symbol.toStringTag]).to.equal('@libp2p/tcp')
  })
})
