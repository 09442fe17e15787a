// Chromium and the page server of the rendezvous benchmark. Chromium is Debian's, driven by
// playwright-core, with the flags WebRTC on loopback needs (shared/RECIPES.md, recipe B) — the same
// launch as packages/app-rendezvous/test/fixtures/browser.ts, kept here so the bench imports no
// test code. Every page is a browser context of its own (a separate person), on an http://127.0.0.1
// origin. Chromium is killed by pid if it does not close in time.
import { existsSync } from 'node:fs'
import http from 'node:http'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
  '--allow-loopback-in-peer-connection', '--use-fake-ui-for-media-stream'
]
const LAUNCH_TIMEOUT_MS = 30_000
const CLOSE_TIMEOUT_MS = 10_000

/** null when Chromium and playwright-core are there, else why the scenario cannot run */
export async function chromiumMissing () {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install chromium)`
  try {
    await import('playwright-core')
  } catch (err) {
    return `playwright-core does not load: ${err.message}`
  }
  return null
}

/**
 * Runs in every page before its own scripts: notes (performance.now()) when the page's first
 * WebSocket opens and when its first RTCPeerConnection is made and connected, for every stack
 * alike, so B's time can be split into phases without changing the pages. The classes only extend
 * the browser's own.
 */
function notePhases () {
  const phases = {}
  window.benchPhases = phases
  const NativeWebSocket = window.WebSocket
  window.WebSocket = class extends NativeWebSocket {
    constructor (...args) {
      super(...args)
      phases.wsCreated ??= performance.now()
      this.addEventListener('open', () => { phases.wsOpen ??= performance.now() }, { once: true })
    }
  }
  const NativePeerConnection = window.RTCPeerConnection
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor (...args) {
      super(...args)
      phases.pcCreated ??= performance.now()
      this.addEventListener('connectionstatechange', () => { if (this.connectionState === 'connected') phases.pcConnected ??= performance.now() })
    }
  }
}

export async function launchChromium () {
  const { chromium } = await import('playwright-core')
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: LAUNCH_TIMEOUT_MS })
  const pid = server.process().pid
  const killByPid = () => { try { process.kill(pid, 'SIGKILL') } catch {} }
  process.once('exit', killByPid)
  let browser
  try {
    browser = await chromium.connect(server.wsEndpoint(), { timeout: LAUNCH_TIMEOUT_MS })
  } catch (err) {
    killByPid()
    throw err
  }
  return {
    version: browser.version(),
    /** a page in a context of its own at `url`; `page.errors` collects its uncaught and console errors */
    async open (url) {
      const context = await browser.newContext()
      await context.addInitScript(notePhases)
      const page = await context.newPage()
      page.errors = []
      page.on('pageerror', err => page.errors.push(`pageerror: ${err.message}`))
      page.on('console', msg => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`) })
      await page.goto(url, { timeout: LAUNCH_TIMEOUT_MS })
      return page
    },
    /** runs the page's `leave` (bounded: a hung page must not hold the run) and closes its context */
    async close (page, leave) {
      await Promise.race([
        page.evaluate(leave).catch(() => {}),
        new Promise(resolve => setTimeout(resolve, CLOSE_TIMEOUT_MS).unref())
      ])
      await page.context().close().catch(() => {})
    },
    async stop () {
      const timer = setTimeout(killByPid, CLOSE_TIMEOUT_MS)
      await server.close().catch(() => {})
      clearTimeout(timer)
      process.off('exit', killByPid)
    }
  }
}

/**
 * Polls `fn(arg)` in the page until it returns a value other than null/undefined/false and
 * returns it; on timeout the error names `what`, the page's state (`describe`) and its errors.
 */
export async function waitIn (page, what, fn, arg, { timeoutMs, describe }) {
  try {
    const handle = await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 20 })
    return await handle.jsonValue()
  } catch (err) {
    const state = describe != null ? await page.evaluate(describe).catch(e => String(e)) : ''
    throw new Error(`${what}: ${err.message.split('\n')[0]}\npage state: ${state}\npage errors: ${page.errors.join('; ')}`)
  }
}

/** serves `files` ({ path: [content type, body] }) on http://127.0.0.1:<free port>/ */
export async function startPageServer (files) {
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://127.0.0.1').pathname]
    if (file == null) { res.writeHead(404).end(); return }
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1])
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(() => resolve()))
    }
  }
}
