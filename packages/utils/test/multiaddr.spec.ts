import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { ipOf, isCircuitAddress, isPrivateAddress, isPrivateIp } from '../src/multiaddr.js'

const RELAY = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
const PEER = '12D3KooWHFrmLWTTDD4NodngtRMEVYgxrsDMp4F9ugBdKzXjYgKr'

describe('multiaddr helpers', () => {
  describe('ipOf', () => {
    const cases: Array<[string, string | undefined]> = [
      ['/ip4/127.0.0.1/tcp/4001', '127.0.0.1'],
      ['/ip6/::1/tcp/4001/ws', '::1'],
      ['/ip4/10.0.0.1/udp/4001/webrtc-direct', '10.0.0.1'],
      [`/ip4/203.0.113.1/tcp/4001/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`, '203.0.113.1'],
      ['/dns4/example.com/tcp/443/wss', undefined],
      ['/memory/a', undefined],
      [`/p2p/${PEER}`, undefined]
    ]

    for (const [addr, ip] of cases) {
      it(`${addr} → ${String(ip)}`, () => {
        expect(ipOf(multiaddr(addr))).to.equal(ip)
      })
    }

    it('takes the first IP component when there are several', () => {
      expect(ipOf(multiaddr(`/ip4/192.0.2.1/tcp/1/p2p/${RELAY}/p2p-circuit/ip6/::2/tcp/2`))).to.equal('192.0.2.1')
    })
  })

  describe('isCircuitAddress', () => {
    const cases: Array<[string, boolean]> = [
      [`/ip4/203.0.113.1/tcp/4001/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`, true],
      [`/ip4/203.0.113.1/tcp/4001/p2p/${RELAY}/p2p-circuit`, true],
      [`/ip4/203.0.113.1/tcp/4001/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`, true],
      ['/p2p-circuit', true],
      ['/ip4/127.0.0.1/tcp/4001', false],
      [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`, false],
      ['/webrtc', false],
      ['/memory/a', false]
    ]

    for (const [addr, circuit] of cases) {
      it(`${addr} → ${String(circuit)}`, () => {
        expect(isCircuitAddress(multiaddr(addr))).to.equal(circuit)
      })
    }
  })

  describe('isPrivateIp / isPrivateAddress', () => {
    const privateIps = ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '169.254.1.1', '0.0.0.0',
      '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'FE80::1%eth0', '::ffff:192.168.1.1', '::ffff:c0a8:101', '::ffff:a00:1']
    const publicIps = ['8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '203.0.113.7', '2001:db8::1', '2606:4700::1111', '::ffff:8.8.8.8', '::ffff:808:808']
    for (const ip of privateIps) {
      it(`${ip} is private`, () => { expect(isPrivateIp(ip)).to.equal(true) })
    }
    for (const ip of publicIps) {
      it(`${ip} is not`, () => { expect(isPrivateIp(ip)).to.equal(false) })
    }
    it('addresses without an IP are not private', () => {
      expect(isPrivateAddress(multiaddr('/dns4/example.com/tcp/443/wss'))).to.equal(false)
      expect(isPrivateAddress(multiaddr('/memory/a'))).to.equal(false)
      expect(isPrivateAddress(multiaddr('/ip4/192.168.0.2/tcp/1'))).to.equal(true)
    })
  })
})
