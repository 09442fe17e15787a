import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { MAX_ADDRESSES_PER_PEER } from '../src/constants.js'
import { asksForService, peerFromResponse, responseRecords } from '../src/response.js'
import type { ReceivedRecord } from '../src/response.js'
import type { PeerId } from '@libp2p/interface'

const SERVICE = '_p2p._udp.local'
const OWN = `ownname.${SERVICE}`
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('mdns records', () => {
  let id: PeerId
  let other: PeerId

  before(async () => {
    id = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  })

  describe('responseRecords', () => {
    it('answers with a PTR to our instance and one dnsaddr TXT per LAN address, as js-libp2p does', () => {
      const addrs = [
        `/ip4/192.168.1.5/tcp/4001/p2p/${id}`,
        `/ip4/8.8.8.8/tcp/4001/p2p/${id}`, // public: not for mDNS
        `/ip6/fe80::1/tcp/4001/p2p/${id}`,
        `/ip4/10.0.0.1/tcp/4001/p2p/${other}/p2p-circuit/p2p/${id}`, // relayed: not for mDNS
        '/ip4/10.0.0.2/tcp/4001' // no /p2p/: the spec requires it
      ].map(s => multiaddr(s))
      expect(responseRecords('name', SERVICE, addrs)).to.deep.equal([
        { name: SERVICE, type: 'PTR', class: 'IN', ttl: 120, data: `name.${SERVICE}` },
        { name: `name.${SERVICE}`, type: 'TXT', class: 'IN', ttl: 120, data: `dnsaddr=/ip4/192.168.1.5/tcp/4001/p2p/${id}` },
        { name: `name.${SERVICE}`, type: 'TXT', class: 'IN', ttl: 120, data: `dnsaddr=/ip6/fe80::1/tcp/4001/p2p/${id}` }
      ])
    })

    it('says nothing without a LAN address, and announces at most MAX_ADDRESSES_PER_PEER', () => {
      expect(responseRecords('name', SERVICE, [multiaddr(`/ip4/1.1.1.1/tcp/1/p2p/${id}`)])).to.deep.equal([])
      const many = Array.from({ length: 100 }, (_, i) => multiaddr(`/ip4/10.0.0.1/tcp/${i + 1}/p2p/${id}`))
      expect(responseRecords('name', SERVICE, many).filter(r => r.type === 'TXT')).to.have.lengthOf(MAX_ADDRESSES_PER_PEER)
    })
  })

  describe('asksForService', () => {
    it('matches a PTR or ANY question for the service, in any letter case', () => {
      expect(asksForService([{ name: SERVICE, type: 'PTR' }], SERVICE)).to.equal(true)
      expect(asksForService([{ name: 'x.local', type: 'A' }, { name: '_P2P._udp.LOCAL', type: 'ANY' }], SERVICE)).to.equal(true)
      expect(asksForService([{ name: SERVICE, type: 'A' }], SERVICE)).to.equal(false)
      expect(asksForService([{ name: '_other._udp.local', type: 'PTR' }], SERVICE)).to.equal(false)
      expect(asksForService(undefined, SERVICE)).to.equal(false)
    })
  })

  describe('peerFromResponse', () => {
    const instance = `peer.${SERVICE}`
    const ptr = { name: SERVICE, type: 'PTR', data: instance }
    const txt = (...strings: string[]): ReceivedRecord => ({ name: instance, type: 'TXT', data: strings.map(bytes) })

    it('reads js-libp2p\'s layout: TXT records in the answers, /p2p/ removed', () => {
      const peer = peerFromResponse({ answers: [ptr, txt(`dnsaddr=/ip4/192.168.1.5/tcp/4001/p2p/${id}`), txt(`dnsaddr=/ip4/127.0.0.1/tcp/4002/p2p/${id}`)] }, SERVICE, OWN)
      expect(peer?.id.equals(id)).to.equal(true)
      expect(peer?.multiaddrs.map(String)).to.deep.equal(['/ip4/192.168.1.5/tcp/4001', '/ip4/127.0.0.1/tcp/4002'])
    })

    it('reads the spec\'s and go-libp2p\'s layout: TXT strings in the additionals', () => {
      const peer = peerFromResponse({ answers: [ptr], additionals: [{ name: instance, type: 'SRV', data: {} }, txt('other=1', `dnsaddr=/ip4/10.1.2.3/udp/4001/quic-v1/p2p/${id}`)] }, SERVICE, OWN)
      expect(peer?.id.equals(id)).to.equal(true)
      expect(peer?.multiaddrs.map(String)).to.deep.equal(['/ip4/10.1.2.3/udp/4001/quic-v1'])
    })

    it('ignores our own instance, other services, other instances\' TXT records and addresses of another peer', () => {
      expect(peerFromResponse({ answers: [{ ...ptr, data: OWN }, { ...txt(`dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/${id}`), name: OWN }] }, SERVICE, OWN)).to.equal(undefined)
      expect(peerFromResponse({ answers: [{ ...ptr, name: '_x._udp.local' }, txt(`dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/${id}`)] }, SERVICE, OWN)).to.equal(undefined)
      expect(peerFromResponse({ answers: [ptr, { ...txt(`dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/${id}`), name: 'else.local' }] }, SERVICE, OWN)).to.equal(undefined)
      const peer = peerFromResponse({ answers: [ptr, txt(`dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/${id}`, `dnsaddr=/ip4/10.0.0.2/tcp/1/p2p/${other}`)] }, SERVICE, OWN)
      expect(peer?.multiaddrs.map(String)).to.deep.equal(['/ip4/10.0.0.1/tcp/1'])
    })

    it('skips malformed entries and keeps at most MAX_ADDRESSES_PER_PEER addresses', () => {
      const junk = ['dnsaddr=/not/a/multiaddr', 'dnsaddr=/ip4/10.0.0.1/tcp/1', 'dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/QmNotAPeer', 'no prefix']
      const good = Array.from({ length: 100 }, (_, i) => `dnsaddr=/ip4/10.0.0.1/tcp/${i + 1}/p2p/${id}`)
      const peer = peerFromResponse({ answers: [ptr, txt(...junk), txt(...good)] }, SERVICE, OWN)
      expect(peer?.id.equals(id)).to.equal(true)
      expect(peer?.multiaddrs).to.have.lengthOf(MAX_ADDRESSES_PER_PEER)
    })

    it('never throws on arbitrary records', () => {
      const value = fc.oneof(fc.string(), fc.constantFrom(SERVICE, instance, 'PTR', 'TXT', `dnsaddr=/ip4/10.0.0.1/tcp/1/p2p/${id}`),
        fc.uint8Array({ maxLength: 40 }), fc.array(fc.oneof(fc.string(), fc.uint8Array({ maxLength: 40 })), { maxLength: 4 }),
        fc.integer(), fc.constant(null), fc.constant(undefined), fc.object())
      const record = fc.record({ name: value, type: value, data: value }, { requiredKeys: [] })
      fc.assert(fc.property(fc.array(record, { maxLength: 20 }), fc.array(record, { maxLength: 20 }), (answers, additionals) => {
        const peer = peerFromResponse({ answers, additionals }, SERVICE, OWN)
        expect(peer == null || peer.multiaddrs.length <= MAX_ADDRESSES_PER_PEER).to.equal(true)
      }))
    })
  })
})
