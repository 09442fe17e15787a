import { expect } from 'aegir/chai'
import { APP_DIR } from './fixtures/app-server.js'
import { launchChromium, screenshot, skipWithoutChromium } from './fixtures/browser.js'
import { startNodeProcess } from './fixtures/node-process.js'
import { PAGE_WAIT_MS, peerIdOf, until, untilDirect } from './fixtures/pages.js'
import type { Chromium } from './fixtures/browser.js'
import type { NodeProcess } from './fixtures/node-process.js'

describe('rendezvous app: served by `libp2p node` itself', function () {
  this.timeout(4 * PAGE_WAIT_MS)
  let node: NodeProcess | undefined
  let chromium: Chromium | undefined

  before(async function () {
    await skipWithoutChromium(this)
    node = await startNodeProcess({ serveApp: APP_DIR })
    chromium = await launchChromium()
  })

  after(async () => {
    await chromium?.close()
    await node?.stop()
  })

  it('two windows on the URL the node prints, with nothing added, meet and go direct', async () => {
    // what a person does: open the printed URL, pick a room (here in the link), share it
    expect(node!.appUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/app\/$/)
    const url = `${node!.appUrl!}#room=printed-url-${Date.now()}`
    const a = await chromium!.open(url)
    const b = await chromium!.open(url)
    const [aId, bId] = await Promise.all([peerIdOf(a), peerIdOf(b)])
    await untilDirect(a, bId)
    await untilDirect(b, aId)
    expect(await b.evaluate(() => (window as any).rendezvous.say('found you'))).to.deep.equal(['ok'])
    await until(a, 'the message', (from: string) => (window as any).rendezvous.messages().some((m: any) => m.peer === from && m.text === 'found you'), bId)
    await screenshot(a, 'served-by-node')
  })
})
