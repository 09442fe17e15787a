import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { yamux } from '../src/index.js'
import { ACK, PING, SYN, WINDOW_UPDATE, frame, muxerClosed, rawPair } from './fixtures/raw-peer.js'
import type { YamuxMuxer } from '../src/index.js'

describe('ping', () => {
  it('answers a ping with the same opaque value', async () => {
    const { peer } = rawPair()
    peer.send(frame(PING, SYN, 0, 0xcafe))
    const pong = await peer.next((f) => f.type === PING && (f.flags & ACK) !== 0)
    expect(pong).to.include({ streamId: 0, length: 0xcafe })
  })

  it('pings at start to measure the RTT that window auto-tuning needs', async () => {
    const { muxer, peer } = rawPair()
    const ping = await peer.next((f) => f.type === PING && (f.flags & SYN) !== 0)
    expect(muxer.rtt).to.equal(undefined)
    peer.send(frame(PING, ACK, 0, ping.length))
    await muxer.ping() // shares or follows the first ping
    expect(muxer.rtt).to.be.a('number').that.is.at.least(0)
  })

  it('ping() resolves to the round trip time between two muxers', async () => {
    const [a, b] = messageStreamPair()
    const dialer = yamux({ enableKeepAlive: false })().createStreamMuxer(a, { direction: 'outbound' }) as YamuxMuxer
    yamux({ enableKeepAlive: false })().createStreamMuxer(b, { direction: 'inbound' })
    const rtts = await Promise.all([dialer.ping(), dialer.ping()])
    expect(rtts[0]).to.be.a('number').that.is.at.least(0)
    expect(await dialer.ping()).to.be.a('number')
    dialer.abort(new Error('done'))
  })

  it('ignores pongs nobody asked for', async () => {
    const { muxer, peer } = rawPair()
    peer.send(frame(PING, ACK, 0, 12345), frame(WINDOW_UPDATE, SYN, 1, 0))
    await peer.next((f) => f.streamId === 1 && (f.flags & ACK) !== 0)
    expect(muxer.status).to.equal('open')
  })

  it('keep-alive pings regularly and closes the connection when a ping goes unanswered', async () => {
    const { muxer, peer } = rawPair({ enableKeepAlive: true, keepAliveInterval: 20 })
    const closing = muxerClosed(muxer)
    // answer the first three pings, then go silent
    for (let answered = 0, from = 0; answered < 3; answered++) {
      const ping = await peer.next((f) => f.type === PING && (f.flags & SYN) !== 0, from)
      from = peer.frames.indexOf(ping) + 1
      peer.send(frame(PING, ACK, 0, ping.length))
    }
    expect(muxer.status).to.equal('open')
    expect((await closing)?.name).to.equal('TimeoutError')
  })

  it('ping() fails once the muxer is closed', async () => {
    const { muxer } = rawPair()
    muxer.abort(new Error('gone'))
    await expect(muxer.ping()).to.eventually.be.rejected.with.property('name', 'ConnectionClosedError')
  })
})
