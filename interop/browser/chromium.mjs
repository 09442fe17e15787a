// Chromium pages for the browser interop tests: Debian's /usr/bin/chromium driven by playwright-core
// (the copy aegir's playwright-test installs at the repository root; never `playwright install`),
// with shared/RECIPES.md recipe B's flags and a fresh user-data-dir, and a page server on
// http://127.0.0.1:<port> (an http origin on loopback is a secure context, so crypto.subtle works).
//
//   const reason = await chromiumUnavailable()           // null, or why the tests must skip
//   const browser = await launchChromium()
//   const page = await browser.openPage({ stack: 'ours', bundle })   // bundle: Uint8Array from bundle.mjs
//   await page.evaluate(a => window.driver.dial(a.target), { target })
//   await browser.close()                                 // stops the page nodes, closes Chromium and the servers
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const BROWSER_DIR = path.dirname(fileURLToPath(import.meta.url))
const PAGE_DRIVER = path.join(BROWSER_DIR, 'page.mjs')
const LAUNCH_TIMEOUT_MS = 30_000
const PAGE_READY_TIMEOUT_MS = 20_000
const CLOSE_TIMEOUT_MS = 10_000

/** recipe B (shared/RECIPES.md); --headless comes from playwright's headless option as well */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
  '--allow-loopback-in-peer-connection', '--use-fake-ui-for-media-stream'
]

export class ChromiumError extends Error {
  static name = 'ChromiumError'
  name = 'ChromiumError'
}

let playwright
async function loadPlaywright () {
  playwright ??= await import('playwright-core')
  return playwright
}

/** null if Chromium and playwright-core are there, else the reason (for a printed skip) */
export async function chromiumUnavailable () {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install chromium)`
  try {
    await loadPlaywright()
  } catch (err) {
    return `playwright-core does not load (${err?.code ?? err?.name}: ${String(err?.message).split('\n')[0]})`
  }
  return null
}

function withTimeout (promise, ms, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new ChromiumError(`timed out after ${ms} ms: ${what}`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

const INDEX_HTML = `<!doctype html>
<meta charset="utf-8">
<title>libp2p browser interop</title>
<script type="module">
  import * as bundle from '/bundle.js'
  import * as driver from '/page.mjs'
  window.bundle = bundle
  window.driver = driver
  window.pageReady = true
</script>
`

/** Serves the page, the bundle and page.mjs on http://127.0.0.1:<random port>/ */
async function startPageServer (bundle) {
  const files = {
    '/': ['text/html; charset=utf-8', INDEX_HTML],
    '/bundle.js': ['text/javascript; charset=utf-8', bundle],
    '/page.mjs': ['text/javascript; charset=utf-8', fs.readFileSync(PAGE_DRIVER)]
  }
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url, 'http://127.0.0.1').pathname]
    if (file == null) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1])
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise(resolve => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}

export async function launchChromium () {
  const { chromium } = await loadPlaywright()
  const started = performance.now()
  // launchServer() starts Chromium with a fresh user-data-dir of its own (a temporary profile that
  // closing removes) and, unlike launch(), tells its process, so a Chromium that does not close can
  // be killed by PID. /usr/bin/chromium is a wrapper script that execs the binary: same PID.
  const chromiumServer = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: LAUNCH_TIMEOUT_MS
  })
  const pid = chromiumServer.process().pid
  let browser, context
  try {
    browser = await chromium.connect(chromiumServer.wsEndpoint(), { timeout: LAUNCH_TIMEOUT_MS })
    context = await browser.newContext()
  } catch (err) {
    await closeChromium(chromiumServer, pid).catch(() => {})
    throw err
  }
  const launchMs = performance.now() - started
  const servers = []
  const pages = []

  return {
    launchMs,
    version: browser.version(),
    pid,

    /**
     * Opens a page that has loaded `bundle` (window.bundle) and page.mjs (window.driver), and
     * calls driver.start(bundle, { stack, agent }). Returns the playwright page, with `started`
     * (start()'s result) and `errors` (the page's uncaught errors and console errors, for messages).
     */
    async openPage ({ bundle, stack, agent }) {
      const server = await startPageServer(bundle)
      servers.push(server)
      const page = await context.newPage()
      pages.push(page)
      page.errors = []
      page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`))
      page.on('console', (msg) => { if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`) })
      await page.goto(server.url, { timeout: PAGE_READY_TIMEOUT_MS })
      try {
        await page.waitForFunction(() => window.pageReady === true, undefined, { timeout: PAGE_READY_TIMEOUT_MS })
      } catch (err) {
        throw new ChromiumError(`the page did not load the bundle: ${err.message}; ${page.errors.join('; ')}`)
      }
      page.started = await page.evaluate((a) => window.driver.start(window.bundle, a), { stack, agent })
      page.url = server.url
      return page
    },

    /** stops the pages' nodes, closes Chromium (which removes its profile) and the page servers */
    async close () {
      for (const page of pages) {
        await withTimeout(page.evaluate(() => window.driver?.stop()), CLOSE_TIMEOUT_MS, 'the page node stop').catch(() => {})
      }
      try {
        await closeChromium(chromiumServer, pid)
      } finally {
        await Promise.all(servers.map(s => s.close()))
      }
    }
  }
}

/** closes Chromium (bounded); if it does not exit in time, SIGKILL by its PID */
async function closeChromium (chromiumServer, pid) {
  try {
    await withTimeout(chromiumServer.close(), CLOSE_TIMEOUT_MS, 'closing Chromium')
  } catch (err) {
    try { process.kill(pid, 'SIGKILL') } catch {}
    throw err
  }
}
