import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { webRTCDirect } from '../src/index.js'
import { ECHO, roundTrip } from './fixtures/streams.js'
import type { Ping } from '@libp2p/ping'
import type { Libp2p } from 'libp2p'

const PEER_DIRECT_ADDR = process.env.PEER_DIRECT_ADDR ?? ''

describe('webRTCDirect() in Chromium: dials a Node listener on 127.0.0.1', function () {
  this.timeout(30_000)
  let node: Libp2p<{ ping: Ping }> | undefined

  afterEach(async () => {
    await node?.stop()
  })

  it('connects to …/webrtc-direct/certhash/…/p2p/<peer>, pings and echoes', async () => {
    node = await createLibp2p({
      transports: [webRTCDirect()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { ping: ping() }
    })
    const target = multiaddr(PEER_DIRECT_ADDR)
    const connection = await node.dial(target)
    expect(connection.remotePeer.toString()).to.equal(PEER_DIRECT_ADDR.split('/p2p/')[1])
    expect(connection.multiplexer).to.equal('/webrtc')
    expect(await node.services.ping.ping(connection.remotePeer)).to.be.a('number')
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 5) & 0xff)
    expect(await roundTrip(await connection.newStream(ECHO), data)).to.deep.equal(data)
  })

  it('takes rtcConfiguration as a function called per dial; a bad ICE server URL fails the dial with InvalidParametersError', async () => {
    let calls = 0
    node = await createLibp2p({
      transports: [webRTCDirect({ rtcConfiguration: () => { calls++; return calls === 1 ? { iceServers: [{ urls: 'not-a-url' }] } : { iceServers: [] } } })],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { ping: ping() }
    })
    const target = multiaddr(PEER_DIRECT_ADDR)
    const err = await node.dial(target).then(() => undefined, (e: any) => e)
    const names = [err?.name, err?.cause?.name, ...(err?.errors ?? []).map((e: Error) => e.name)]
    expect(names).to.include('InvalidParametersError')
    const connection = await node.dial(target)
    expect(await roundTrip(await connection.newStream(ECHO), new Uint8Array([1, 2, 3]))).to.deep.equal(new Uint8Array([1, 2, 3]))
    expect(calls).to.equal(2)
  })
})
