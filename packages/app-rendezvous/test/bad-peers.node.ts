import { expect } from 'aegir/chai'
import { useRoomHarness } from './fixtures/harness.js'
import { PAGE_WAIT_MS, peerIdOf, until, untilDirect } from './fixtures/pages.js'
import { startBadRoomPeer } from './fixtures/room-peer.js'
import type { BadRoomPeer } from './fixtures/room-peer.js'

describe('rendezvous app: bad peers in the room', function () {
  this.timeout(4 * PAGE_WAIT_MS)
  const harness = useRoomHarness()
  const bad: BadRoomPeer[] = []

  after(async () => {
    await Promise.all(bad.map(async peer => { await peer.stop() }))
  })

  it('a peer that never answers the signaling and one whose record leads nowhere: the page says so, the others go direct and chat', async () => {
    const room = `bad-${Date.now()}`
    // silent: reachable through the relay, takes the signaling stream and never answers
    const silent = await startBadRoomPeer({ relay: harness.node().relay, room, reserve: true })
    bad.push(silent)
    // garbage: its provider record names a WebRTC address behind a relay the pages do not use
    const garbage = await startBadRoomPeer({ relay: harness.node().relay, room, announce: ['/ip4/10.255.255.1/tcp/1/ws/p2p/12D3KooWJ5GcCQoEV4J4Tt77cRgsiJ4Ee9YT2LvLZCYuZwmkiaT5/p2p-circuit/webrtc'] })
    bad.push(garbage)

    const url = `${harness.server().url}#room=${room}`
    const a = await harness.chromium().open(url)
    const b = await harness.chromium().open(url)
    const [aId, bId] = await Promise.all([peerIdOf(a), peerIdOf(b)])
    await untilDirect(a, bId)
    await untilDirect(b, aId)
    // sent to every peer of the room: b gets it, the two bad ones fail (each reported on its own)
    const results: string[] = await a.evaluate(() => (window as any).rendezvous.say('we are fine'))
    expect(results.filter(r => r === 'ok')).to.have.length(1)
    await until(b, 'the message', (from: string) => (window as any).rendezvous.messages().some((m: any) => m.peer === from && m.text === 'we are fine'), aId)

    // the silent peer: each attempt runs into the 30 s dial deadline, and the page says so
    const silentId = silent.node.peerId.toString()
    await until(a, 'a notice about the silent peer', (id: string) => (window as any).rendezvous.peers().find((p: any) => p.id === id && p.notice?.startsWith('direct connection failed')), silentId)
    expect(await a.locator(`tr[data-peer="${silentId}"]`).innerText()).to.include('direct connection failed')
    // the garbage record: its dials fail at once, so after a few it counts as gone and leaves the table
    const garbageId = garbage.node.peerId.toString()
    const gone = await until(a, 'the garbage peer counts as gone', (id: string) => (window as any).rendezvous.peers().find((p: any) => p.id === id && p.gone), garbageId)
    expect(gone.notice).to.match(/^direct connection failed/)
    expect(await a.locator('#gone-peers').innerText()).to.match(/^1 earlier peer/)
    expect(await a.locator(`tr[data-peer="${garbageId}"]`).count()).to.equal(0)
    expect(silent.held.length).to.be.greaterThan(0, 'a page opened a signaling stream to the silent peer')
    // the pages still talk directly
    const links = await a.evaluate(() => (window as any).rendezvous.peers().map((p: any) => [p.id, p.link]))
    expect(links).to.deep.include([bId, 'direct'])
  })
})
