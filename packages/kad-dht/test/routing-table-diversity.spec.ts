import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { ipGroup, ipGroupsOf } from '../src/routing-table/ip-group.js'
import { newTable, peersInBucket } from './routing-table-fixtures.js'
import type { TableSetup } from './routing-table-fixtures.js'
import type { PeerId } from '@libp2p/interface'

async function offer (setup: TableSetup, peer: PeerId, ...addrs: string[]): Promise<boolean> {
  await setup.peerStore.merge(peer, { multiaddrs: addrs.map(a => multiaddr(a)) })
  return setup.table.add(peer)
}

describe('routing table: diversity filter', () => {
  it('groups IPv4 by /16 and IPv6 by /32, IPv4-mapped IPv6 as IPv4; exempts loopback, private, link-local, CGNAT', () => {
    const grouped: Array<[string, string]> = [
      ['1.2.3.4', 'ip4:1.2'], ['1.2.200.9', 'ip4:1.2'], ['1.3.3.4', 'ip4:1.3'], ['172.32.0.1', 'ip4:172.32'],
      ['2001:db8:1::1', 'ip6:2001:db8'], ['2001:0db8:ffff:1:2:3:4:5', 'ip6:2001:db8'], ['2a00:1::', 'ip6:2a00:1'],
      ['::ffff:102:304', 'ip4:1.2'], ['::ffff:1.2.3.4', 'ip4:1.2']
    ]
    for (const [ip, group] of grouped) {
      expect(ipGroup(ip), ip).to.equal(group)
    }
    for (const exempt of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.1.1', '100.64.0.1', '0.0.0.0', '::1', '::', 'fd00::1', 'fc12::1', 'fe80::1', '::ffff:10.0.0.1']) {
      expect(ipGroup(exempt), exempt).to.equal(undefined)
    }
    expect(ipGroup('not an ip')).to.equal(undefined)
    expect(ipGroupsOf([
      multiaddr('/ip4/1.2.3.4/tcp/1'), multiaddr('/ip4/1.2.9.9/udp/1/quic-v1'), multiaddr('/ip6/2001:db8::1/tcp/1'),
      multiaddr('/dns4/example.com/tcp/1'), multiaddr('/memory/x'),
      multiaddr('/ip4/5.6.7.8/tcp/1/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq/p2p-circuit')
    ]).sort()).to.deep.equal(['ip4:1.2', 'ip6:2001:db8'])
  })

  it('admits at most 2 peers of one IPv4 /16 per bucket', async () => {
    const setup = await newTable({ diversityFilter: true })
    const [a, b, c, d] = await peersInBucket(setup.self, 0, 4)
    expect(await offer(setup, a, '/ip4/1.2.3.4/tcp/4001')).to.equal(true)
    expect(await offer(setup, b, '/ip4/1.2.200.1/tcp/4001')).to.equal(true)
    expect(await offer(setup, c, '/ip4/1.2.7.7/tcp/4001')).to.equal(false)
    expect(await offer(setup, d, '/ip4/1.3.7.7/tcp/4001')).to.equal(true)
    expect(setup.ping.calls).to.have.lengthOf(0)
    // a peer leaving frees its slot
    await setup.table.remove(a)
    expect(await setup.table.add(c)).to.equal(true)
  })

  it('admits at most 3 peers of one group in the whole table', async () => {
    const setup = await newTable({ diversityFilter: true })
    const [[a, a2], [b], [c]] = await Promise.all([0, 1, 2].map(async cpl => peersInBucket(setup.self, cpl, cpl === 0 ? 2 : 1)))
    expect(await offer(setup, a, '/ip4/8.8.1.1/tcp/1')).to.equal(true)
    expect(await offer(setup, b, '/ip4/8.8.2.2/tcp/1')).to.equal(true)
    expect(await offer(setup, c, '/ip4/8.8.3.3/tcp/1')).to.equal(true)
    // bucket 0 holds one of the group, but the table holds three
    expect(await offer(setup, a2, '/ip4/8.8.4.4/tcp/1')).to.equal(false)
    expect(setup.table.size).to.equal(3)
  })

  it('groups IPv6 by /32, and a peer with addresses in two groups counts in both', async () => {
    const setup = await newTable({ diversityFilter: true })
    const [a, b, c, d] = await peersInBucket(setup.self, 0, 4)
    expect(await offer(setup, a, '/ip6/2001:db8:1::1/tcp/1')).to.equal(true)
    expect(await offer(setup, b, '/ip6/2001:db8:ffff::2/tcp/1', '/ip4/9.9.9.9/tcp/1')).to.equal(true)
    expect(await offer(setup, c, '/ip6/2001:db9::1/tcp/1', '/ip6/2001:db8:5::5/tcp/1')).to.equal(false)
    expect(await offer(setup, d, '/ip6/2001:db9::1/tcp/1', '/ip4/9.9.1.1/tcp/1')).to.equal(true)
  })

  it('does not limit loopback, private, circuit-only or address-less peers', async () => {
    const setup = await newTable({ diversityFilter: true })
    const peers = await peersInBucket(setup.self, 0, 12)
    const addrs = ['/ip4/127.0.0.1/tcp/1', '/ip4/10.0.0.1/tcp/1', '/ip4/192.168.1.1/tcp/1', '/ip6/::1/tcp/1', '/ip6/fd00::1/tcp/1', '/memory/x']
    for (let i = 0; i < peers.length; i++) {
      const addr = addrs[Math.floor(i / 2)]
      expect(await offer(setup, peers[i], addr), addr).to.equal(true)
    }
    const [relayed, unknown] = await peersInBucket(setup.self, 1, 2)
    const relay = '/ip4/7.7.7.7/tcp/1/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq/p2p-circuit'
    expect(await offer(setup, relayed, relay)).to.equal(true)
    // never saved in the peer store: nothing to count
    expect(await setup.table.add(unknown)).to.equal(true)
  })

  it('is off unless asked for', async () => {
    const setup = await newTable()
    const peers = await peersInBucket(setup.self, 0, 5)
    for (const p of peers) { expect(await offer(setup, p, '/ip4/1.2.3.4/tcp/1')).to.equal(true) }
  })
})
