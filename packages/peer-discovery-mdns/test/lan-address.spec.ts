import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { isLanAddress } from '../src/lan-address.js'

describe('isLanAddress', () => {
  const lan = [
    '/ip4/127.0.0.1/tcp/1', '/ip4/10.1.2.3/tcp/1', '/ip4/172.16.0.1/udp/1/quic-v1', '/ip4/172.31.255.255/tcp/1',
    '/ip4/192.168.0.1/tcp/1/ws', '/ip4/169.254.1.1/tcp/1', '/ip6/::1/tcp/1', '/ip6/fe80::1/tcp/1', '/ip6/fd00::1/tcp/1',
    '/ip4/100.64.0.1/tcp/1'
  ]
  const notLan = [
    '/ip4/8.8.8.8/tcp/1', '/ip4/172.32.0.1/tcp/1', '/ip4/192.169.0.1/tcp/1', '/ip6/2001:db8::1/tcp/1', '/ip6/::ffff:8.8.8.8/tcp/1',
    '/dns4/localhost/tcp/1', '/memory/x', '/ip4/10.0.0.1/tcp/1/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq/p2p-circuit'
  ]
  for (const s of lan) {
    it(`announces ${s}`, () => { expect(isLanAddress(multiaddr(s))).to.equal(true) })
  }
  for (const s of notLan) {
    it(`does not announce ${s}`, () => { expect(isLanAddress(multiaddr(s))).to.equal(false) })
  }
})
