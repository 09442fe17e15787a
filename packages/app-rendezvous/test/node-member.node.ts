import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { cleanup } from 'node-datachannel'
import { RendezvousApp } from '../src/app.js'
import { sha256Hex } from '../src/file-protocol.js'
import { useRoomHarness } from './fixtures/harness.js'
import { PAGE_WAIT_MS, peerIdOf, until, untilDirect } from './fixtures/pages.js'
import type { Transfer } from '../src/file-transfer.js'

/** resolves with the first transfer of `app` matching `match` once it ended */
async function settled (app: RendezvousApp, match: (t: Transfer) => boolean): Promise<Transfer> {
  return new Promise(resolve => {
    const check = (): void => {
      const done = app.files.list().find(t => match(t) && ['verified', 'failed', 'cancelled'].includes(t.state))
      if (done == null) { return }
      app.files.removeEventListener('change', check)
      resolve(done)
    }
    app.files.addEventListener('change', check)
    check()
  })
}

/**
 * The app's room member is not tied to the page: RendezvousApp runs in Node too (WebRTC from
 * node-datachannel), which is what a terminal peer in a room (a `libp2p chat <room>` command) needs.
 */
describe('rendezvous app: a Node peer and a browser page in one room', function () {
  this.timeout(4 * PAGE_WAIT_MS)
  const harness = useRoomHarness()
  let member: RendezvousApp | undefined

  after(async () => {
    await member?.leave()
    // node-datachannel keeps the process alive until its threads are cleaned up
    cleanup()
  })

  it('they go direct over WebRTC, chat and send a file each way with the hash checked', async () => {
    const room = `node-${Date.now()}`
    member = await RendezvousApp.join({ relay: [multiaddr(harness.node().relay)], iceServers: [], roomPollMs: 1000 }, room)
    const memberId = member.node.peerId.toString()
    const page = await harness.chromium().open(`${harness.server().url}#room=${room}`)
    const pageId = await peerIdOf(page)
    await untilDirect(page, memberId)
    const peer = await new Promise<NonNullable<ReturnType<RendezvousApp['peers']['get']>>>(resolve => {
      const check = (): void => {
        const p = member!.peers.get(pageId)
        if (p?.link === 'direct') { resolve(p) }
      }
      member!.peers.addEventListener('change', check)
      check()
    })
    expect(member.peers.directConnection(peer.id)?.limits).to.equal(undefined)

    const results = await member.say('hello from a terminal')
    expect(results.map(r => r.status)).to.deep.equal(['fulfilled'])
    await until(page, 'the page receives it', (from: string) => (window as any).rendezvous.messages().some((m: any) => m.peer === from && m.text === 'hello from a terminal' && m.via === 'direct'), memberId)
    const heard = new Promise(resolve => { member!.chat.addEventListener('message', (evt) => { if (!evt.detail.own) { resolve(evt.detail.text) } }) })
    expect(await page.evaluate(() => (window as any).rendezvous.say('hello from a browser'))).to.deep.equal(['ok'])
    expect(await heard).to.equal('hello from a browser')

    const data = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 31) & 0xff)
    const sent = member.sendFile(peer, 'from-node.bin', data)
    const got = await until(page, 'the page verifies the file from Node', () => (window as any).rendezvous.transfers().find((t: any) => t.name === 'from-node.bin' && t.state === 'verified'), undefined)
    expect(got.sha256).to.equal(await sha256Hex(data))
    expect((await settled(member, t => t.id === sent.id)).state).to.equal('verified')

    const fromPage = await page.evaluate(async (to: string) => (window as any).rendezvous.sendRandomFile(to, 'from-page.bin', 512 * 1024), memberId)
    const received = await settled(member, t => t.direction === 'incoming' && t.name === 'from-page.bin')
    expect(received).to.include({ state: 'verified', sha256: fromPage.sha256, bytes: 512 * 1024 })
  })
})
