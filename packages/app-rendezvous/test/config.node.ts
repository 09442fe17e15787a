import { expect } from 'aegir/chai'
import { parseConfig } from '../src/config.js'
import { DEFAULT_ROOM_POLL_MS } from '../src/constants.js'
import { iceServerFromUrl, parseIceServers } from '../src/ice-servers.js'
import { roomKey } from '../src/room.js'

const RELAY = '/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3KooWJ5GcCQoEV4J4Tt77cRgsiJ4Ee9YT2LvLZCYuZwmkiaT5'

describe('the page\'s settings', () => {
  it('config.json gives the relay, ICE servers and lookup interval; the URL wins', () => {
    const json = { relay: [RELAY], iceServers: [{ urls: 'stun:stun.example.net' }] }
    const config = parseConfig(json, new URLSearchParams())
    expect(config.relay.map(String)).to.deep.equal([RELAY])
    expect(config.iceServers).to.deep.equal(json.iceServers)
    expect(config.roomPollMs).to.equal(DEFAULT_ROOM_POLL_MS)
    const other = RELAY.replace('4002', '4003')
    expect(parseConfig(json, new URLSearchParams({ relay: other, poll: '250' }))).to.deep.include({ roomPollMs: 250 })
    expect(parseConfig(json, new URLSearchParams({ relay: other })).relay.map(String)).to.deep.equal([other])
  })

  it('says what is wrong with a relay address or interval', () => {
    expect(() => parseConfig({}, new URLSearchParams())).to.throw().with.property('name', 'AppConfigError')
    expect(() => parseConfig({ relay: ['/ip4/127.0.0.1/tcp/4002/ws'] }, new URLSearchParams())).to.throw(/does not end in \/p2p/)
    expect(() => parseConfig({ relay: ['not an address'] }, new URLSearchParams())).to.throw(/does not parse/)
    expect(() => parseConfig({ relay: [RELAY] }, new URLSearchParams({ poll: '5' }))).to.throw(/poll interval/)
  })

  it('STUN/TURN servers: urls of the ICE schemes only, strings for credentials', () => {
    expect(parseIceServers('[{"urls":"stun:a.example"},{"urls":["turn:b.example"],"username":"u","credential":"c"}]')).to.deep.equal([
      { urls: ['stun:a.example'] },
      { urls: ['turn:b.example'], username: 'u', credential: 'c' }
    ])
    expect(() => parseIceServers('{')).to.throw(/not JSON/)
    expect(() => parseIceServers('{}')).to.throw(/array/)
    expect(() => parseIceServers('[{"urls":"https://x"}]')).to.throw(/stun:/)
    expect(() => parseIceServers('[{"urls":"turn:x","username":1}]')).to.throw(/username/)
    expect(() => parseIceServers(JSON.stringify(Array(9).fill({ urls: 'stun:x' })))).to.throw(/at most 8/)
  })

  it('one STUN/TURN server from a URL: TURN credentials taken out of it, percent-decoded', () => {
    expect(iceServerFromUrl('stun:stun.example.net:3478')).to.deep.equal({ urls: 'stun:stun.example.net:3478' })
    expect(iceServerFromUrl('turns:[2001:db8::1]:5349?transport=tcp')).to.deep.equal({ urls: 'turns:[2001:db8::1]:5349?transport=tcp' })
    expect(iceServerFromUrl('turn:alice:p%40ss%3Aword@turn.example.net:3478?transport=udp')).to.deep.equal({
      urls: 'turn:turn.example.net:3478?transport=udp', username: 'alice', credential: 'p@ss:word'
    })
    for (const bad of ['https://x.example', 'stun:', 'stun:host:0', 'stun:host:70000', 'turn:host?transport=sctp', 'stun:u:p@host', 'turn:nopassword@host', 'turn:u:%zz@host', 'turn:host/path']) {
      expect(() => iceServerFromUrl(bad), bad).to.throw().with.property('name', 'AppConfigError')
    }
  })

  it('a room\'s key is the same CID for the same name, another for another', async () => {
    const a = await roomKey('tea')
    expect((await roomKey('tea')).equals(a)).to.equal(true)
    expect((await roomKey('coffee')).equals(a)).to.equal(false)
    expect(a.version).to.equal(1)
    expect(a.code).to.equal(0x55)
  })
})
