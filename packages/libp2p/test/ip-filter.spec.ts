import { expect } from 'aegir/chai'
import { IpFilter, parseIp } from '../src/connection-manager/ip-filter.js'

describe('allow/deny list matching (IpFilter)', () => {
  it('an IP matches only itself, not the addresses it is a string prefix of', () => {
    const f = new IpFilter(['127.0.0.3', '/ip4/10.1.1.1'])
    expect(f.matches('127.0.0.3')).to.equal(true)
    expect(f.matches('127.0.0.30')).to.equal(false)
    expect(f.matches('127.0.0.33')).to.equal(false)
    expect(f.matches('10.1.1.1')).to.equal(true)
    expect(f.matches('10.1.1.10')).to.equal(false)
  })

  it('CIDR ranges in plain and multiaddr form', () => {
    const f = new IpFilter(['192.168.0.0/16', '/ip4/10.0.0.0/ipcidr/8', '172.16.0.0/12', 'fe80::/10', '/ip6/2001:db8::/ipcidr/32'])
    expect(f.matches('192.168.200.1')).to.equal(true)
    expect(f.matches('192.169.0.1')).to.equal(false)
    expect(f.matches('10.255.0.1')).to.equal(true)
    expect(f.matches('11.0.0.1')).to.equal(false)
    expect(f.matches('172.31.255.255')).to.equal(true)
    expect(f.matches('172.32.0.0')).to.equal(false)
    expect(f.matches('fe80::1')).to.equal(true)
    expect(f.matches('febf:ffff::1')).to.equal(true)
    expect(f.matches('fec0::1')).to.equal(false)
    expect(f.matches('2001:db8:1::5')).to.equal(true)
    expect(f.matches('2001:db9::5')).to.equal(false)
  })

  it('IPv4-mapped IPv6 addresses match IPv4 entries and the other way round', () => {
    expect(new IpFilter(['10.0.0.0/8']).matches('::ffff:10.1.2.3')).to.equal(true)
    expect(new IpFilter(['::ffff:10.0.0.1']).matches('10.0.0.1')).to.equal(true)
    expect(new IpFilter(['/ip6/::ffff:10.0.0.0/ipcidr/104']).matches('10.9.9.9')).to.equal(true)
    expect(new IpFilter(['/ip6/::ffff:10.0.0.0/ipcidr/104']).matches('11.0.0.1')).to.equal(false)
  })

  it('/0 matches every address of its family; an empty list matches nothing', () => {
    expect(new IpFilter(['0.0.0.0/0']).matches('203.0.113.9')).to.equal(true)
    expect(new IpFilter(['0.0.0.0/0']).matches('::1')).to.equal(false)
    expect(new IpFilter(['::/0']).matches('::1')).to.equal(true)
    expect(new IpFilter([]).matches('127.0.0.1')).to.equal(false)
  })

  it('only the IP of a longer multiaddr counts', () => {
    expect(new IpFilter(['/ip4/1.2.3.4/tcp/4001']).matches('1.2.3.4')).to.equal(true)
  })

  it('refuses entries that are not addresses with InvalidParametersError', () => {
    for (const bad of ['127.0.0', '256.1.1.1', '10.0.0.0/33', 'fe80::/129', '1.2.3.4/x', 'example.com', '/dns4/example.com', '1:2:3:4:5:6:7:8:9', '1::2::3', '']) {
      expect(() => new IpFilter([bad]), bad).to.throw().with.property('name', 'InvalidParametersError')
    }
  })

  it('parses IPv6 forms, including zones and dotted tails', () => {
    expect(parseIp('::1')).to.deep.equal(Uint8Array.from([...new Array(15).fill(0), 1]))
    expect(parseIp('fe80::1%eth0')?.[0]).to.equal(0xfe)
    expect(parseIp('::ffff:1.2.3.4')).to.deep.equal(Uint8Array.of(1, 2, 3, 4))
    expect(parseIp('::ffff:102:304')).to.deep.equal(Uint8Array.of(1, 2, 3, 4))
    expect(parseIp('1:2:3:4:5:6:7:8')?.byteLength).to.equal(16)
    expect(parseIp('not an ip')).to.equal(undefined)
    expect(parseIp('1.2.3.04')).to.deep.equal(Uint8Array.of(1, 2, 3, 4))
  })
})
