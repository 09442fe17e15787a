import { expect } from 'aegir/chai'
import { startAppServer } from './fixtures/app-server.js'
import { launchChromium, skipWithoutChromium } from './fixtures/browser.js'
import { PAGE_WAIT_MS, peerIdOf, until, untilDirect } from './fixtures/pages.js'
import { startRecordingRelay } from './fixtures/recording-relay.js'
import type { AppServer } from './fixtures/app-server.js'
import type { Chromium } from './fixtures/browser.js'
import type { RecordingRelay } from './fixtures/recording-relay.js'

describe('rendezvous app: what the relay sees of the signaling', function () {
  this.timeout(4 * PAGE_WAIT_MS)
  let relay: RecordingRelay | undefined
  let server: AppServer | undefined
  let chromium: Chromium | undefined

  before(async function () {
    await skipWithoutChromium(this)
    relay = await startRecordingRelay()
    server = await startAppServer({ relay: [relay.relay], roomPollMs: 1000 })
    chromium = await launchChromium()
  })

  after(async () => {
    await chromium?.close()
    await server?.close()
    await relay?.stop()
  })

  it('the SDP offer, answer and ICE candidates cross the relay encrypted end to end', async () => {
    const url = `${server!.url}#room=signaling-${Date.now()}`
    const a = await chromium!.open(url)
    const b = await chromium!.open(url)
    const [aId, bId] = await Promise.all([peerIdOf(a), peerIdOf(b)])
    await untilDirect(a, bId)
    await untilDirect(b, aId)
    expect(await a.evaluate(() => (window as any).rendezvous.say('over the direct connection'))).to.deep.equal(['ok'])
    await until(b, 'the message', (from: string) => (window as any).rendezvous.messages().some((m: any) => m.peer === from), aId)

    const seen = relay!.seen()
    // the capture holds the circuits' bytes: the hop negotiation and the pages' own Noise
    // negotiation over the circuit are the cleartext parts of what the relay forwards
    expect(seen).to.include('/libp2p/circuit/relay/0.2.0/hop')
    expect(seen).to.include('/libp2p/circuit/relay/0.2.0/stop')
    // (each page's own connection to the relay negotiates Noise before the muxer: not in the capture)
    expect(seen.match(/\/noise\n/g)?.length ?? 0).to.be.at.least(2, 'the pages\' Noise negotiation over a circuit, both ways')
    // the signaling inside that Noise session stays unreadable to the relay (the protocol's name
    // does appear: identify tells the relay what each page speaks)
    for (const secret of ['a=candidate', 'a=fingerprint', 'a=ice-ufrag', 'a=ice-pwd', 'a=setup']) {
      expect(seen).to.not.include(secret)
    }
  })
})
