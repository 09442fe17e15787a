import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { listenAddresses, toDialAddress, toListenAddress, toMultiaddr } from '../src/multiaddr.js'

describe('TCP multiaddr helpers', () => {
  it('turns socket addresses into multiaddrs', () => {
    expect(toMultiaddr('127.0.0.1', 1)?.toString()).to.equal('/ip4/127.0.0.1/tcp/1')
    expect(toMultiaddr('::1', 2)?.toString()).to.equal('/ip6/::1/tcp/2')
    expect(toMultiaddr('::ffff:10.0.0.1', 3)?.toString()).to.equal('/ip4/10.0.0.1/tcp/3')
    expect(toMultiaddr('fe80::1%eth0', 4)?.toString()).to.equal('/ip6zone/eth0/ip6/fe80::1/tcp/4')
    expect(toMultiaddr('not-an-ip', 5)).to.equal(undefined)
  })

  it('parses dial and listen addresses', () => {
    expect(toDialAddress(multiaddr('/ip6/::1/tcp/4001'))).to.deep.equal({ host: '::1', port: 4001, family: 6 })
    expect(toDialAddress(multiaddr('/dns/example.com/tcp/1'))).to.deep.equal({ host: 'example.com', port: 1, family: 0 })
    expect(toDialAddress(multiaddr('/dns4/example.com/tcp/1'))).to.deep.equal({ host: 'example.com', port: 1, family: 4 })
    expect(toListenAddress(multiaddr('/ip4/0.0.0.0/tcp/0'))).to.deep.equal({ host: '0.0.0.0', port: 0, family: 4 })
    expect(toListenAddress(multiaddr('/dns4/example.com/tcp/1'))).to.equal(undefined)
  })

  it('lists a specific address as itself', () => {
    expect(listenAddresses('127.0.0.1', 9).map(String)).to.deep.equal(['/ip4/127.0.0.1/tcp/9'])
  })
})
