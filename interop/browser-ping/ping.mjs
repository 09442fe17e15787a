// A browser node in Chromium as a test-plans transport-interop peer: ours (`chromium-ours` in
// interop/runner/implementations.mjs; docs/INTEROP.md) or js-libp2p 3.3.11 bundled from npm
// (`chromium-js`). The runner spawns dist/chromium-ping-<stack> (written by build.sh <stack>, which
// also bundles entry.mjs into dist/<stack>.js) with the contract's env:
//
//   transport=ws|wss|webrtc-direct|webrtc security=noise muxer=yamux is_dialer=true redis_addr=127.0.0.1:6390 \
//   test_timeout_seconds=60 dist/chromium-ping-ours
//
// It dials every transport; it listens only for webrtc (is_dialer=false), as test-plans' browser
// listeners do: the wrapper starts the stack's relay (ours: interop/ours-ping/ping.mjs --relay on
// this Node; js: interop/js-peer/ping.mjs --relay on Node 24) on $ip, the page reserves on it, and
// RPUSHes its <relay>/p2p-circuit/webrtc/p2p/<id> address; it then serves ping until killed.
//
// It serves, on http://127.0.0.1:<random port>/, a page (index.html with the config inline, /bundle.js,
// /page.mjs) and the Redis proxy of the test-plans browser images (POST /redis with a JSON array such
// as ["BLPOP","listenerAddr","60"] → the reply as JSON, CORS *), talking RESP to $redis_addr. It
// launches Chromium headless (interop/browser/chromium.mjs's binary and flags; the context ignores
// certificate errors, for wss listeners' self-signed certificates), and the page BLPOPs the
// listener's address, dials it, pings once and POSTs the result to /result. The wrapper prints
// {"handshakePlusOneRTTMillis":…,"pingRTTMilllis":…} on stdout and exits 0; logs (the page's console
// included) go to stderr. Exit codes: 0 success, 1 test failure, 2 unsupported configuration.
// Everything is bounded by test_timeout_seconds; Chromium is killed by its PID (process group) on
// every way out.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHROMIUM, CHROMIUM_ARGS, chromiumUnavailable } from '../browser/chromium.mjs'
import { RespClient } from '../runner/resp.mjs'

const HERE = path.dirname(fileURLToPath(import.meta.url))
// the launcher passes the stack: ours or js
const STACK = process.argv[2] ?? 'ours'
const BUNDLE = path.join(HERE, 'dist', `${STACK}.js`)
const PAGE = path.join(HERE, 'page.mjs')
const LAUNCH_TIMEOUT_MS = 30_000
const CLOSE_TIMEOUT_MS = 5_000
const PROXY_COMMANDS = new Set(['BLPOP', 'RPUSH', 'DEL', 'PING'])
/** the relay a webrtc listener brings: each stack's own, from its ping.mjs (see above) */
const RELAY_COMMANDS = {
  ours: [process.execPath, path.join(HERE, '..', 'ours-ping', 'ping.mjs'), '--relay'],
  js: [path.join(HERE, '..', '..', 'tools', 'node24', 'node_modules', '.bin', 'node'), path.join(HERE, '..', 'js-peer', 'ping.mjs'), '--relay']
}
const RELAY_START_TIMEOUT_MS = 30_000

const env = process.env
const transport = env.transport ?? ''
const isDialer = env.is_dialer === 'true'
const ip = env.ip ?? '0.0.0.0'
const redisAddr = env.redis_addr ?? 'redis:6379'
const timeoutSeconds = Number(env.test_timeout_seconds ?? 180)
const started = Date.now()

const role = isDialer ? 'dialer' : 'listener'
const log = (...args) => console.error(`[chromium-${STACK} ${role}]`, ...args)

let chromiumPid
function killChromium () {
  if (chromiumPid == null) return
  // playwright starts Chromium as a process group of its own: the runner's group kill misses it
  try { process.kill(-chromiumPid, 'SIGKILL') } catch { try { process.kill(chromiumPid, 'SIGKILL') } catch {} }
  chromiumPid = undefined
}
let relayProcess
function killRelay () {
  // a child of this process group: the runner's group kill reaches it too; this covers exit paths
  if (relayProcess?.exitCode == null) relayProcess?.kill('SIGKILL')
}
process.on('exit', () => { killChromium(); killRelay() })

function exit (code, message) {
  if (message != null) log(message)
  killChromium()
  killRelay()
  process.exit(code)
}
process.on('SIGTERM', () => exit(143, 'SIGTERM'))
process.on('SIGINT', () => exit(130, 'SIGINT'))

if (STACK !== 'ours' && STACK !== 'js') exit(2, `unknown stack '${STACK}' (ours or js)`)
if (!['ws', 'wss', 'webrtc-direct', 'webrtc'].includes(transport)) exit(2, `unsupported transport '${transport}' (supported: ws, wss, webrtc-direct, webrtc)`)
if (!isDialer && transport !== 'webrtc') exit(2, `chromium-${STACK} listens only for webrtc (through a relay)`)
// webrtc-direct and webrtc are standalone: their own encryption and muxing
const standalone = transport === 'webrtc-direct' || transport === 'webrtc'
if (!standalone && env.security !== 'noise') exit(2, `unsupported security '${env.security}' (supported: noise)`)
if (!standalone && env.muxer !== 'yamux') exit(2, `unsupported muxer '${env.muxer}' (supported: yamux)`)
if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) exit(2, `bad test_timeout_seconds '${env.test_timeout_seconds}'`)
setTimeout(() => exit(1, `test_timeout_seconds (${timeoutSeconds}) elapsed`), timeoutSeconds * 1000).unref()

const unavailable = await chromiumUnavailable()
if (unavailable != null) exit(1, `Chromium not present: ${unavailable}`)
if (!fs.existsSync(BUNDLE)) exit(1, `${path.relative(process.cwd(), BUNDLE)} missing: run interop/browser-ping/build.sh`)

/** spawns the stack's relay and resolves with its address, from the {"relayAddr":…} line it prints */
async function startRelay () {
  const [file, ...args] = RELAY_COMMANDS[STACK]
  relayProcess = spawn(file, args, { env: { ...process.env }, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the relay printed no address within ${RELAY_START_TIMEOUT_MS} ms`)), RELAY_START_TIMEOUT_MS)
    relayProcess.on('error', (err) => { clearTimeout(timer); reject(err) })
    relayProcess.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the relay exited (${code}) before printing its address`)) })
    relayProcess.stdout.setEncoding('utf8').on('data', (d) => {
      out = (out + d).slice(-4096)
      const line = out.split('\n').find(l => l.startsWith('{'))
      if (line == null || !out.includes('\n')) return
      clearTimeout(timer)
      try { resolve(JSON.parse(line).relayAddr) } catch (err) { reject(err) }
    })
  })
}
let relayAddr
if (!isDialer) {
  try {
    relayAddr = await startRelay()
  } catch (err) {
    exit(1, `relay: ${err.message}`)
  }
  log(`relay at ${relayAddr}`)
}

// ------------------------------------------------------------------ page server + Redis proxy

const INDEX_HTML = `<!doctype html>
<meta charset="utf-8">
<title>chromium-${STACK} ping</title>
<script type="application/json" id="config">${JSON.stringify({ timeoutSeconds, transport, isDialer, relayAddr })}</script>
<script type="module" src="/page.mjs"></script>
`
const files = {
  '/': ['text/html; charset=utf-8', INDEX_HTML],
  '/bundle.js': ['text/javascript; charset=utf-8', fs.readFileSync(BUNDLE)],
  '/page.mjs': ['text/javascript; charset=utf-8', fs.readFileSync(PAGE)]
}
const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': 'content-type' }

let reportResult
const reported = new Promise((resolve) => { reportResult = resolve })
const proxyClients = new Set()

async function readJson (req) {
  let body = ''
  for await (const chunk of req.setEncoding('utf8')) body += chunk
  return JSON.parse(body)
}

function reply (res, status, value) {
  res.writeHead(status, { ...CORS, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value))
}

/** POST /redis: one command on a connection of its own (BLPOP blocks it), reply as JSON */
async function proxy (req, res) {
  let args
  try {
    args = await readJson(req)
    if (!Array.isArray(args) || args.length === 0 || !PROXY_COMMANDS.has(String(args[0]).toUpperCase())) {
      throw new Error(`expected a JSON array with one of ${[...PROXY_COMMANDS].join(', ')} first`)
    }
  } catch (err) {
    reply(res, 400, { error: err.message })
    return
  }
  let client
  try {
    client = await RespClient.connect(redisAddr, { timeoutMs: Math.min(timeoutSeconds * 1000, 30_000) })
    proxyClients.add(client)
    reply(res, 200, await client.command(...args.map(String)))
  } catch (err) {
    reply(res, 502, { error: err.message })
  } finally {
    client?.close()
    proxyClients.delete(client)
  }
}

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, 'http://127.0.0.1')
  if (req.method === 'OPTIONS') {
    res.writeHead(204, CORS).end()
  } else if (req.method === 'POST' && pathname === '/redis') {
    void proxy(req, res)
  } else if (req.method === 'POST' && pathname === '/result') {
    readJson(req).then((body) => { reply(res, 200, {}); reportResult(body) }, (err) => reply(res, 400, { error: err.message }))
  } else if (pathname === '/favicon.ico') {
    res.writeHead(204, CORS).end()
  } else if (req.method === 'GET' && files[pathname] != null) {
    res.writeHead(200, { ...CORS, 'content-type': files[pathname][0], 'cache-control': 'no-store' }).end(files[pathname][1])
  } else {
    res.writeHead(404, CORS).end()
  }
})
await new Promise((resolve, reject) => {
  server.once('error', reject)
  server.listen(0, '127.0.0.1', resolve)
})
const url = `http://127.0.0.1:${server.address().port}/`

// ------------------------------------------------------------------ Chromium

const { chromium } = await import('playwright-core')
// launchServer() (unlike launch()) tells Chromium's PID; it uses a fresh temporary profile
const chromiumServer = await chromium.launchServer({
  executablePath: CHROMIUM,
  headless: true,
  args: CHROMIUM_ARGS,
  timeout: LAUNCH_TIMEOUT_MS
})
chromiumPid = chromiumServer.process().pid
const browser = await chromium.connect(chromiumServer.wsEndpoint(), { timeout: LAUNCH_TIMEOUT_MS })
// wss listeners use self-signed certificates: with playwright-core 1.65 the context's
// ignoreHTTPSErrors covers the page's WebSocket connections too (no --ignore-certificate-errors
// needed; without it the dial fails with net::ERR_CERT_AUTHORITY_INVALID)
const context = await browser.newContext({ ignoreHTTPSErrors: true })
const page = await context.newPage()
log(`Chromium ${browser.version()} (pid ${chromiumPid}) up in ${Date.now() - started} ms; page ${url}`)

page.on('console', (msg) => console.error(`[chromium-${STACK} page ${msg.type()}]`, msg.text()))
page.on('crash', () => reportResult({ error: 'the page crashed' }))
await page.goto(url, { timeout: LAUNCH_TIMEOUT_MS })

const outcome = await Promise.race([
  reported,
  // a page that throws before it can report (e.g. the bundle does not load) fails the test now
  new Promise((resolve) => page.on('pageerror', (err) => {
    console.error(`[chromium-${STACK} pageerror]`, err.message)
    setTimeout(() => resolve({ error: `page error: ${err.message}` }), 1_000)
  }))
])

async function shutdown () {
  const timer = setTimeout(killChromium, CLOSE_TIMEOUT_MS)
  try { await chromiumServer.close() } catch {}
  clearTimeout(timer)
  killChromium()
  for (const c of proxyClients) c.close()
  server.closeAllConnections()
  server.close()
}

if (outcome.error != null) {
  await shutdown()
  exit(1, `${isDialer ? 'dial + ping' : 'listening'} failed in Chromium: ${outcome.error}`)
}
log(outcome.info)
if (!isDialer) {
  // the page serves ping until the runner stops this wrapper (SIGTERM) or test_timeout_seconds pass
  log(`published ${outcome.published}`)
  await new Promise(() => {})
}
const line = JSON.stringify(outcome.result)
await new Promise((resolve) => process.stdout.write(line + '\n', resolve))
await shutdown()
log(`done in ${Date.now() - started} ms`)
process.exit(0)
