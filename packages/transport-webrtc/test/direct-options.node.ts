import { createSocket } from 'node:dgram'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { nativeRtcConfig } from '../src/direct/rtc-config.js'
import { webRTCDirect } from '../src/index.js'
import { ECHO, echo, roundTrip } from './fixtures/streams.js'
import { trackNodes } from './fixtures/track.js'
import type { WebRTCTransportDirectInit } from '../src/index.js'
import type { Ping } from '@libp2p/ping'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'

type Node = Libp2p<{ ping: Ping }>

async function directNode (listen: boolean, init: WebRTCTransportDirectInit = {}): Promise<Node> {
  const node = await createLibp2p({
    addresses: { listen: listen ? ['/ip4/127.0.0.1/udp/0/webrtc-direct'] : [] },
    transports: [webRTCDirect(init)],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { ping: ping() }
  })
  await node.handle(ECHO, async (stream) => { await echo(stream) })
  return node
}

function directAddr (node: Libp2p): Multiaddr {
  const addr = node.getMultiaddrs().find(a => a.toString().includes('/webrtc-direct/certhash/'))
  if (addr == null) { throw new TypeError('no webrtc-direct address') }
  return addr
}

/** a UDP port on 127.0.0.1 nothing listens on (bound, then closed) */
async function closedUdpPort (): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => { resolve() })
  })
  const { port } = socket.address()
  await new Promise<void>(resolve => { socket.close(() => { resolve() }) })
  return port
}

/** the name of the transport's error (libp2p wraps it in a DialError naming each address's) */
async function dialError (p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err: any) {
    return err.errors?.length === 1 ? err.errors[0].name : err.name
  }
  throw new TypeError('the dial succeeded')
}

describe('webRTCDirect() rtcConfiguration (Node dialer)', function () {
  this.timeout(20_000)
  const track = trackNodes<Node>()

  it('dials on loopback with an unreachable STUN server in iceServers (given as an object and as a function)', async () => {
    const listener = await track(directNode(true))
    const stun = `stun:127.0.0.1:${await closedUdpPort()}`
    const asObject = await track(directNode(false, { rtcConfiguration: { iceServers: [{ urls: stun }] } }))
    let calls = 0
    const asFunction = await track(directNode(false, {
      rtcConfiguration: async () => { calls++; return { iceServers: [{ urls: [stun] }], iceTransportPolicy: 'all' } }
    }))
    for (const dialer of [asObject, asFunction]) {
      const connection = await dialer.dial(directAddr(listener))
      expect(connection.remotePeer.equals(listener.peerId)).to.equal(true)
      const stream = await connection.newStream(ECHO)
      expect(await roundTrip(stream, Uint8Array.from([1, 2, 3]))).to.deep.equal(Uint8Array.from([1, 2, 3]))
    }
    // a function is asked once per dial
    expect(calls).to.equal(1)
  })

  it('the dialer uses the configuration: it asks the STUN server; iceTransportPolicy relay is refused', async () => {
    const listener = await track(directNode(true))
    // a STUN server that receives and never answers
    const server = createSocket('udp4')
    const asked = new Promise<Buffer>(resolve => { server.once('message', (msg) => { resolve(msg) }) })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.bind(0, '127.0.0.1', () => { resolve() })
    })
    try {
      const dialer = await track(directNode(false, { rtcConfiguration: { iceServers: [{ urls: `stun:127.0.0.1:${server.address().port}` }] } }))
      const connection = await dialer.dial(directAddr(listener))
      expect(connection.status).to.equal('open')
      const request = await asked
      // a STUN Binding request (RFC 5389: type 0x0001, magic cookie 0x2112a442)
      expect(request.readUInt16BE(0)).to.equal(0x0001)
      expect(request.readUInt32BE(4)).to.equal(0x2112a442)
    } finally {
      server.close()
    }
    // relay-only cannot be honoured (the dial signals no candidates, host paths would connect): refused, not ignored
    const relayOnly = await track(directNode(false, { rtcConfiguration: { iceTransportPolicy: 'relay' } }))
    expect(await dialError(relayOnly.dial(directAddr(listener)))).to.equal('InvalidParametersError')
    expect(relayOnly.getConnections()).to.have.lengthOf(0)
  })

  it('an unusable iceServers entry fails the dial with InvalidParametersError; the node dials fine afterwards', async () => {
    const listener = await track(directNode(true))
    const bad = [
      { urls: 'http://127.0.0.1:3478' },
      { urls: 'stun:' },
      { urls: 'stun:127.0.0.1:99999' },
      { urls: [] },
      { urls: 'turn:127.0.0.1:3478' } // no username and credential
    ]
    for (const server of bad) {
      const dialer = await track(directNode(false, { rtcConfiguration: { iceServers: [server] } }))
      expect(await dialError(dialer.dial(directAddr(listener)))).to.equal('InvalidParametersError', JSON.stringify(server))
      expect(dialer.getConnections()).to.have.lengthOf(0)
    }
    const throwing = await track(directNode(false, { rtcConfiguration: () => ({ iceTransportPolicy: 'nohost' as RTCIceTransportPolicy }) }))
    expect(await dialError(throwing.dial(directAddr(listener)))).to.equal('InvalidParametersError')
    // the process and the listener are unharmed
    const good = await track(directNode(false))
    const connection = await good.dial(directAddr(listener))
    expect(connection.status).to.equal('open')
  })

  it('converts STUN and TURN URLs to node-datachannel ICE servers, credentials unescaped', () => {
    expect(nativeRtcConfig({
      iceServers: [
        { urls: ['stun:stun.example.com', 'stun:[::1]:19302'] },
        { urls: 'turn:turn.example.com?transport=tcp', username: 'u:@/', credential: 'p@ss:w' },
        { urls: ['turn:192.0.2.1:3479', 'turns:turn.example.com'], username: 'u', credential: 'p' }
      ],
      iceTransportPolicy: 'all'
    })).to.deep.equal({
      iceServers: [
        { hostname: 'stun.example.com', port: 3478 },
        { hostname: '::1', port: 19302 },
        { hostname: 'turn.example.com', port: 3478, username: 'u:@/', password: 'p@ss:w', relayType: 'TurnTcp' },
        { hostname: '192.0.2.1', port: 3479, username: 'u', password: 'p', relayType: 'TurnUdp' },
        { hostname: 'turn.example.com', port: 5349, username: 'u', password: 'p', relayType: 'TurnTls' }
      ],
      iceTransportPolicy: 'all'
    })
    expect(nativeRtcConfig({})).to.deep.equal({ iceServers: [], iceTransportPolicy: 'all' })
  })
})
