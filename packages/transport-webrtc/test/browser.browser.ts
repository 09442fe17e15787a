import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { webRTC } from '../src/index.js'
import { DIAL_ME, ECHO, echo, readAll, roundTrip } from './fixtures/streams.js'
import type { Ping } from '@libp2p/ping'
import type { Libp2p } from 'libp2p'

const RELAY_ADDR = process.env.RELAY_ADDR ?? ''
const PEER_WEBRTC_ADDR = multiaddr(process.env.PEER_WEBRTC_ADDR ?? '')

describe('webRTC() in Chromium, through a Node relay over WebSockets', function () {
  this.timeout(30_000)
  let node: Libp2p<{ ping: Ping }> | undefined

  beforeEach(async () => {
    node = await createLibp2p({
      addresses: { listen: [`${RELAY_ADDR}/p2p-circuit`, '/webrtc'] },
      transports: [webSockets(), circuitRelayTransport(), webRTC({ rtcConfiguration: { iceServers: [] } })],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { ping: ping() }
    })
    await node.handle(ECHO, async (stream) => { await echo(stream) })
  })

  afterEach(async () => {
    await node?.stop()
  })

  it('reserves on the relay and a Node peer dials it over WebRTC (echo)', async () => {
    const own = node!.getMultiaddrs().find(a => a.toString().includes('/p2p-circuit/webrtc/'))
    expect(own?.toString()).to.equal(`${RELAY_ADDR}/p2p-circuit/webrtc/p2p/${node!.peerId.toString()}`)
    const stream = await node!.dialProtocol(multiaddr(PEER_WEBRTC_ADDR.toString().replace('/webrtc/', '/')), DIAL_ME, { runOnLimitedConnection: true })
    stream.send(new TextEncoder().encode(own!.toString()))
    await stream.closeWrite()
    expect(new TextDecoder().decode(await readAll(stream))).to.equal('ok')
  })

  it('dials a Node peer over WebRTC (ping, echo over the direct connection)', async () => {
    const connection = await node!.dial(PEER_WEBRTC_ADDR)
    expect(connection.multiplexer).to.equal('/webrtc')
    expect(connection.limits).to.equal(undefined)
    const rtt = await node!.services.ping.ping(connection.remotePeer)
    expect(rtt).to.be.a('number')
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 3) & 0xff)
    expect(await roundTrip(await connection.newStream(ECHO), data)).to.deep.equal(data)
  })
})
