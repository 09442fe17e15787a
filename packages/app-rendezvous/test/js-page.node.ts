import { expect } from 'aegir/chai'
import { screenshot } from './fixtures/browser.js'
import { useRoomHarness } from './fixtures/harness.js'
import { bundleJsPage, JS_PAGE_HTML } from './fixtures/js-page.js'
import { PAGE_WAIT_MS, peerIdOf, until, untilDirect } from './fixtures/pages.js'

describe('rendezvous app: a js-libp2p 3.3.11 page in the same room', function () {
  this.timeout(4 * PAGE_WAIT_MS)
  const harness = useRoomHarness({
    extraPages: async () => {
      const bundle = await bundleJsPage()
      if (bundle.code == null) { return { missing: bundle.missing } }
      return {
        pages: {
          '/js/': ['text/html; charset=utf-8', JS_PAGE_HTML],
          '/js/js-room.js': ['text/javascript; charset=utf-8', bundle.code]
        }
      }
    }
  })

  it('finds our page through our node\'s DHT, goes direct over WebRTC, and chats both ways', async () => {
    const room = `js-${Date.now()}`
    const ours = await harness.chromium().open(`${harness.server().url}#room=${room}`)
    const oursId = await peerIdOf(ours)
    const js = await harness.chromium().open(new URL('/js/', harness.server().url).toString())
    await until(js, 'the js bundle loads', () => (window as any).jsRoom != null, undefined)
    const jsId: string = await js.evaluate(async (arg) => (window as any).jsRoom.join(arg), { relay: harness.node().relay, room, pollMs: 1000 })

    try {
      await until(js, 'js announces itself in the room', () => (window as any).jsRoom.announced, undefined)
      await untilDirect(ours, jsId)
    } catch (err: any) {
      err.message += `\njs page: ${JSON.stringify(await js.evaluate(() => (window as any).jsRoom.state()))} ${js.errors.join('; ')}`
      throw err
    }
    await until(js, 'js has a direct connection', (id: string) => (window as any).jsRoom.connections().some((c: any) => c.remotePeer === id && !c.limited && c.remoteAddr.includes('/webrtc') && c.status === 'open'), oursId)

    expect(await ours.evaluate(() => (window as any).rendezvous.say('hello js-libp2p'))).to.deep.equal(['ok'])
    await until(js, 'js receives our message', (from: string) => (window as any).jsRoom.received.some((m: any) => m.peer === from && m.text === 'hello js-libp2p'), oursId)
    await js.evaluate(async (to: string) => { await (window as any).jsRoom.say(to, 'hello from js-libp2p') }, oursId)
    const got = await until(ours, 'ours receives js\'s message', (from: string) => (window as any).rendezvous.messages().find((m: any) => m.peer === from && !m.own), jsId)
    expect(got).to.include({ text: 'hello from js-libp2p', via: 'direct' })
    expect(await ours.locator('#peers').innerText()).to.include('direct WebRTC')
    await screenshot(ours, 'with-js-page')
    await js.evaluate(async () => { await (window as any).jsRoom.leave() })
  })
})
