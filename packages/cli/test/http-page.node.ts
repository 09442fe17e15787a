import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { startHttpNode } from './fixtures/http-node.js'
import { relayClient, tempDirPerTest } from './fixtures/nodes.js'
import type { HttpNode } from './fixtures/http-node.js'
import type { Browser } from 'playwright-core'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** the package's test output folder (gitignored): the screenshots land here */
const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url))
const LAUNCH_TIMEOUT_MS = 30_000
/** how long the page may take to show a change (the status refreshes every 2 s without an event) */
const PAGE_TIMEOUT_MS = 15_000

describe('libp2p node status page in Chromium', function () {
  this.timeout(120_000)
  let node: HttpNode | undefined
  let browser: Browser | undefined
  const clients: Array<{ stop(): Promise<void> }> = []
  afterEach(async () => {
    await browser?.close()
    browser = undefined
    await Promise.all(clients.splice(0).map(async c => { await c.stop() }))
    await node?.proc.stop()
    node = undefined
  })
  const temp = tempDirPerTest('libp2p-http-page-')

  it('shows a connected peer and copies the peer id, then a second peer, a reservation (in the peers and reservations tables) and a circuit live without reloading; fits a phone', async function () {
    if (!existsSync(CHROMIUM)) {
      // eslint-disable-next-line no-console
      console.log(`      skipped: ${CHROMIUM} not found (apt-get install chromium)`)
      this.skip()
      return
    }
    const { chromium } = await import('playwright-core')
    node = await startHttpNode(['--data-dir', temp.dir(), '--listen', '/ip4/127.0.0.1/tcp/0/ws'])
    const [, wsAddr] = await node.proc.waitFor('stdout', /listening on (\S+\/ws\/p2p\/\S+)/)
    const first = await relayClient()
    clients.push(first)
    await first.services.ping.ping(multiaddr(node.tcpAddr))

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: LAUNCH_TIMEOUT_MS, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(node.url).origin })
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', err => problems.push(`page error: ${err.message}`))
    page.on('console', msg => { if (msg.type() === 'error') { problems.push(`console: ${msg.text()}`) } })
    await page.goto(node.url, { timeout: PAGE_TIMEOUT_MS })

    const wait = { timeout: PAGE_TIMEOUT_MS }
    await page.waitForFunction((id: string) => document.getElementById('peer-id')?.textContent === id, node.peerId, wait)
    await page.waitForSelector(`tr[data-peer="${first.peerId.toString()}"]`, wait)
    expect(await page.textContent('#live')).to.equal('live')
    const firstRow = await page.textContent(`tr[data-peer="${first.peerId.toString()}"]`)
    expect(firstRow).to.include('direct').and.to.include('tcp').and.to.include('inbound')
    expect(await page.$$eval('#addresses li code', els => els.map(e => e.textContent))).to.include(node.tcpAddr)
    await page.click('#copy-peer-id')
    await page.waitForFunction(() => document.getElementById('copy-peer-id')?.textContent === 'copied', undefined, wait)
    expect(await page.evaluate(async () => navigator.clipboard.readText())).to.equal(node.peerId)
    await mkdir(OUTPUT_DIR, { recursive: true })
    await page.screenshot({ path: `${OUTPUT_DIR}status-page-one-peer.png`, fullPage: true })
    // a reload would drop this: the updates below must arrive on the page as it is
    await page.evaluate(() => { (window as any).loadedOnce = true })

    // a second peer over WebSockets
    const second = await relayClient()
    clients.push(second)
    await second.services.ping.ping(multiaddr(wsAddr))
    const secondRow = await page.waitForSelector(`tr[data-peer="${second.peerId.toString()}"]`, wait)
    expect(await secondRow.textContent()).to.include('ws')
    expect(await page.textContent('#connection-count')).to.equal('2')

    // a peer reserves on the node and another reaches it through the relay
    const listener = await relayClient([`${node.tcpAddr}/p2p-circuit`])
    clients.push(listener)
    await until(() => listener.getMultiaddrs().some(ma => ma.toString().includes('/p2p-circuit')), 'the listener holds a reservation', { timeout: PAGE_TIMEOUT_MS, interval: 50 })
    await page.waitForFunction(() => document.getElementById('reservations')?.textContent === '1', undefined, wait)
    // the peers table marks the one holding it, the reservations table lists it
    const reserverRow = await page.waitForSelector(`#peers tr[data-peer-id="${listener.peerId.toString()}"][data-reservation="true"]`, wait)
    expect(await reserverRow.textContent()).to.include('yes').and.to.include('inbound')
    await page.waitForSelector(`#reservation-list tr[data-reserved-peer="${listener.peerId.toString()}"]`, wait)
    expect(await page.textContent(`#peers tr[data-peer-id="${first.peerId.toString()}"]`)).to.include('no')
    expect(await page.$$eval('#peers tbody tr', rows => rows.map(r => r.getAttribute('data-peer-id')))).to.have.lengthOf(3)
    expect(await page.isHidden('#no-reservations')).to.equal(true)
    const circuitAddr = listener.getMultiaddrs().find(ma => ma.toString().includes('/p2p-circuit'))
    if (circuitAddr == null) { throw new Error('no circuit address') }
    const dialer = await relayClient()
    clients.push(dialer)
    await dialer.dial(circuitAddr)
    await page.waitForFunction(() => document.getElementById('circuits')?.textContent === '1', undefined, wait)
    expect(await page.evaluate(() => (window as any).loadedOnce)).to.equal(true)
    await page.screenshot({ path: `${OUTPUT_DIR}status-page-desktop.png`, fullPage: true })

    // a phone: the page has no horizontal scrolling, the table turns into cards, a QR code opens
    await page.setViewportSize({ width: 390, height: 844 })
    await page.click('#addresses li button:text("QR")')
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#addresses img')
      return img?.complete === true && img.naturalWidth > 0
    }, undefined, wait)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).to.be.at.most(0)
    expect(await page.$eval('thead', el => getComputedStyle(el).display)).to.equal('none')
    const phone = await page.screenshot({ path: `${OUTPUT_DIR}status-page-phone.png`, fullPage: true })
    expect(phone.length).to.be.above(10_000)

    expect(problems).to.deep.equal([])
  })
})
