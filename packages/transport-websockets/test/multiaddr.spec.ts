import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { COALESCE_CHUNK_MAX_BYTES, MAX_SEND_MESSAGE_BYTES } from '../src/constants.js'
import { browserCanDial } from '../src/dial-filter.js'
import { messageBytes, toMessages } from '../src/messages.js'
import { toDialAddress, toListenAddress, toUrl, toWebSocketMultiaddr } from '../src/multiaddr.js'

const PEER = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

function url (ma: string): string | undefined {
  const addr = toDialAddress(multiaddr(ma))
  return addr == null ? undefined : toUrl(addr)
}

describe('WebSocket addresses', () => {
  it('dials every form of the spec', () => {
    expect(url('/ip4/192.0.2.0/tcp/1234/ws')).to.equal('ws://192.0.2.0:1234/')
    expect(url('/ip4/192.0.2.0/tcp/1234/tls/ws')).to.equal('wss://192.0.2.0:1234/')
    expect(url('/ip4/192.0.2.0/tcp/1234/wss')).to.equal('wss://192.0.2.0:1234/')
    expect(url('/ip4/192.0.2.0/tcp/1234/tls/sni/foo.example.com/ws')).to.equal('wss://foo.example.com:1234/')
    expect(url('/ip4/192.0.2.0/ws')).to.equal('ws://192.0.2.0:80/')
    expect(url('/ip4/192.0.2.0/tls/ws')).to.equal('wss://192.0.2.0:443/')
    expect(url('/ip4/192.0.2.0/wss')).to.equal('wss://192.0.2.0:443/')
    expect(url('/dns/example.com/wss')).to.equal('wss://example.com:443/')
    expect(url('/dns/example.com/wss/http-path/path%2Fto%2Fendpoint')).to.equal('wss://example.com:443/path/to/endpoint')
    expect(url('/ip6/::1/tcp/4001/ws')).to.equal('ws://[::1]:4001/')
    expect(url('/dns4/example.com/tcp/4001/ws')).to.equal('ws://example.com:4001/')
    expect(url('/dns6/example.com/tcp/4001/tls/ws')).to.equal('wss://example.com:4001/')
  })

  it('accepts a /p2p suffix', () => {
    expect(url(`/ip4/127.0.0.1/tcp/1/ws/p2p/${PEER}`)).to.equal('ws://127.0.0.1:1/')
    expect(url(`/dns4/example.com/tcp/443/tls/sni/example.com/ws/p2p/${PEER}`)).to.equal('wss://example.com:443/')
    expect(url(`/dns/example.com/wss/http-path/x/p2p/${PEER}`)).to.equal('wss://example.com:443/x')
  })

  it('connects to the multiaddr host with its family; SNI from /sni or the DNS name', () => {
    expect(toDialAddress(multiaddr('/ip4/192.0.2.0/tcp/1234/tls/sni/foo.example.com/ws'))).to.deep.equal({
      host: '192.0.2.0', port: 1234, family: 4, secure: true, servername: 'foo.example.com', path: '/'
    })
    expect(toDialAddress(multiaddr('/dns6/example.com/tcp/1/wss'))).to.deep.include({ host: 'example.com', family: 6, servername: 'example.com' })
    expect(toDialAddress(multiaddr('/dns/example.com/tcp/1/ws'))).to.deep.include({ host: 'example.com', family: 0, servername: undefined })
    expect(toDialAddress(multiaddr('/ip6/::1/tcp/1/tls/ws'))).to.deep.include({ host: '::1', family: 6, servername: undefined })
  })

  it('rejects addresses that are not WebSocket ones', () => {
    for (const ma of [
      '/ip4/127.0.0.1/tcp/1234',
      '/ip4/127.0.0.1/udp/1234/quic-v1',
      '/ip4/127.0.0.1/tcp/0/ws',
      '/dnsaddr/example.com',
      '/dnsaddr/example.com/ws',
      '/ip4/127.0.0.1/tcp/1/tls',
      '/ip4/127.0.0.1/tcp/1/tls/sni/x',
      '/ip4/127.0.0.1/tcp/1/ws/ws',
      '/ip4/127.0.0.1/tcp/1/ws/p2p-circuit',
      `/ip4/127.0.0.1/tcp/1/ws/p2p/${PEER}/p2p-circuit`,
      '/ip4/127.0.0.1/tcp/1/ws/webrtc',
      '/ip6zone/eth0/ip6/fe80::1/tcp/1/ws',
      '/memory/x'
    ]) {
      expect(toDialAddress(multiaddr(ma)), ma).to.equal(undefined)
    }
  })

  it('listens on /ws, /wss and /tls/ws over an IP', () => {
    expect(toListenAddress(multiaddr('/ip4/0.0.0.0/tcp/0/ws'))).to.deep.equal({ host: '0.0.0.0', port: 0, family: 4, secure: false })
    expect(toListenAddress(multiaddr('/ip6/::/tcp/443/wss'))).to.deep.equal({ host: '::', port: 443, family: 6, secure: true })
    expect(toListenAddress(multiaddr('/ip4/127.0.0.1/tcp/1/tls/ws'))).to.deep.equal({ host: '127.0.0.1', port: 1, family: 4, secure: true })
    for (const ma of ['/dns4/example.com/tcp/1/ws', '/ip4/0.0.0.0/ws', '/ip4/0.0.0.0/tcp/1/tls/sni/x/ws',
      '/ip4/0.0.0.0/tcp/1/ws/http-path/x', `/ip4/0.0.0.0/tcp/1/ws/p2p/${PEER}`, '/ip4/0.0.0.0/tcp/1']) {
      expect(toListenAddress(multiaddr(ma)), ma).to.equal(undefined)
    }
  })

  it('property: every generated dial address gives the URL and endpoint it spells', () => {
    const ip4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map(p => p.join('.'))
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}$/)
    const host = fc.oneof(
      ip4.map(a => ({ proto: 'ip4', value: a, family: 4, dns: false })),
      fc.constantFrom('::1', '2001:db8::7', 'fe80::1').map(a => ({ proto: 'ip6', value: a, family: 6, dns: false })),
      fc.tuple(fc.constantFrom(['dns4', 4], ['dns6', 6], ['dns', 0]), name).map(([[proto, family], value]) => ({ proto, value, family, dns: true }))
    )
    const kind = fc.oneof(
      fc.constant({ spelled: '/ws', secure: false, sni: undefined }),
      fc.constant({ spelled: '/wss', secure: true, sni: undefined }),
      fc.constant({ spelled: '/tls/ws', secure: true, sni: undefined }),
      name.map(sni => ({ spelled: `/tls/sni/${sni}/ws`, secure: true, sni }))
    )
    fc.assert(fc.property(host, fc.option(fc.integer({ min: 1, max: 65_535 })), kind, fc.option(fc.stringMatching(/^[a-z0-9/]{1,12}$/)), fc.boolean(),
      (h, port, k, path, withPeer) => {
        const ma = `/${h.proto}/${h.value}${port == null ? '' : `/tcp/${port}`}${k.spelled}` +
          `${path == null ? '' : `/http-path/${encodeURIComponent(path)}`}${withPeer ? `/p2p/${PEER}` : ''}`
        const addr = toDialAddress(multiaddr(ma))
        const expectedPort = port ?? (k.secure ? 443 : 80)
        expect(addr, ma).to.deep.equal({
          host: h.value,
          port: expectedPort,
          family: h.family,
          secure: k.secure,
          servername: k.sni ?? (h.dns && k.secure ? h.value : undefined),
          path: path == null ? '/' : `/${path}`
        })
        const urlHost = k.sni ?? (h.proto === 'ip6' ? `[${h.value}]` : h.value)
        if (addr == null) { return } // failed above
        expect(toUrl(addr)).to.equal(`${k.secure ? 'wss' : 'ws'}://${urlHost}:${expectedPort}${path == null ? '/' : `/${path}`}`)
      }))
  })

  it('publishes /ws and /tls/ws', () => {
    expect(toWebSocketMultiaddr(4, '10.0.0.1', 80, false).toString()).to.equal('/ip4/10.0.0.1/tcp/80/ws')
    expect(toWebSocketMultiaddr(6, '::1', 443, true).toString()).to.equal('/ip6/::1/tcp/443/tls/ws')
  })

  it('a browser never dials ws from an https page, nor a TCP-only address', () => {
    const ws = multiaddr('/ip4/127.0.0.1/tcp/1/ws')
    const wss = multiaddr('/dns4/example.com/tcp/443/tls/ws')
    expect(browserCanDial(ws, 'http:')).to.equal(true)
    expect(browserCanDial(ws, undefined)).to.equal(true)
    expect(browserCanDial(ws, 'https:')).to.equal(false)
    expect(browserCanDial(wss, 'https:')).to.equal(true)
    expect(browserCanDial(multiaddr('/ip4/127.0.0.1/tcp/1'), 'http:')).to.equal(false)
  })
})

describe('WebSocket messages', () => {
  function sizes (chunks: number[], max?: number): number[] {
    const list = new Uint8ArrayList(...chunks.map(n => new Uint8Array(n).fill(n & 0xff)))
    return [...toMessages(list, max)].map(m => m.byteLength)
  }

  it('coalesces small chunks, sends large ones alone and splits what is over the maximum', () => {
    const big = COALESCE_CHUNK_MAX_BYTES
    expect(sizes([1, 2, 3])).to.deep.equal([6])
    expect(sizes([10, big, 10, 10])).to.deep.equal([10, big, 20])
    expect(sizes([MAX_SEND_MESSAGE_BYTES * 2 + 5])).to.deep.equal([MAX_SEND_MESSAGE_BYTES, MAX_SEND_MESSAGE_BYTES, 5])
    expect(sizes([100, 100, 100], 250)).to.deep.equal([200, 100])
    expect(sizes([])).to.deep.equal([])
  })

  it('keeps every byte in order and does not copy a lone large chunk', () => {
    const chunks = [Uint8Array.of(1, 2), Uint8Array.of(3), new Uint8Array(COALESCE_CHUNK_MAX_BYTES).fill(4), Uint8Array.of(5)]
    const messages = [...toMessages(new Uint8ArrayList(...chunks))]
    expect(messages[1]).to.equal(chunks[2])
    expect(new Uint8ArrayList(...messages).subarray()).to.deep.equal(new Uint8ArrayList(...chunks).subarray())
  })

  it('property: messages carry every byte in order, none over the maximum, large chunks uncopied', () => {
    const chunk = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: COALESCE_CHUNK_MAX_BYTES - 2, max: COALESCE_CHUNK_MAX_BYTES * 3 }))
    fc.assert(fc.property(fc.array(chunk, { maxLength: 20 }), fc.integer({ min: COALESCE_CHUNK_MAX_BYTES, max: COALESCE_CHUNK_MAX_BYTES * 2 }), (sizes, max) => {
      const chunks = sizes.map((n, i) => new Uint8Array(n).fill(i))
      const messages = [...toMessages(new Uint8ArrayList(...chunks), max)]
      for (const m of messages) {
        expect(m.byteLength).to.be.within(1, max)
      }
      expect(new Uint8ArrayList(...messages).subarray()).to.deep.equal(new Uint8ArrayList(...chunks).subarray())
      for (const c of chunks) {
        if (c.byteLength >= COALESCE_CHUNK_MAX_BYTES && c.byteLength <= max) { expect(messages).to.include(c) }
      }
    }), { numRuns: 200 })
  })

  it('reads binary and text messages as bytes', () => {
    const buf = new Uint8Array([9, 8, 7, 6]).buffer
    expect(messageBytes(buf)).to.deep.equal(Uint8Array.of(9, 8, 7, 6))
    expect(messageBytes(new Uint8Array(buf, 1, 2))).to.deep.equal(Uint8Array.of(8, 7))
    expect(messageBytes('hi')).to.deep.equal(Uint8Array.of(0x68, 0x69))
  })
})
