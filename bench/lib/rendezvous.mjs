// `npm run bench -- --only rendezvous` (issue 13): two browser pages meet and talk directly over
// WebRTC, on 127.0.0.1, in one run for three stacks:
//   ours:   the app (packages/app-rendezvous) served by `libp2p node` at /app/, which is also the
//           relay and DHT server the pages meet through
//   js:     js-libp2p 3.3.11 pages (bench/lib/rendezvous-js-page.mjs bundled from
//           interop/js-peer/node_modules) following the app's room rules, through the same node
//   peerjs: PeerJS 1.5.5 pages with PeerJS's own signaling server, `peer` 1.0.2 (bench/peerjs)
// Per round and stack (rounds rotate the order of the stacks; one warm-up round is not counted):
// time from page B's navigation start to its direct connection to A and to its first message
// received by A, then a file B -> A (SHA-256 checked). See bench/README.md.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { ensureJsPeer } from '../../interop/test/harness.mjs'
import { median, quantile } from './report.mjs'
import { chromiumMissing, launchChromium, startPageServer } from './rendezvous-browser.mjs'
import { ensurePeerjs, startLibp2pNode, startPeerServer } from './rendezvous-procs.mjs'
import { ROUNDS } from './rendezvous-stacks.mjs'

const LIB_DIR = dirname(fileURLToPath(import.meta.url))
const BENCH_DIR = join(LIB_DIR, '..')
const REPO_DIR = join(BENCH_DIR, '..')
const BIN = join(REPO_DIR, 'packages', 'cli', 'dist', 'src', 'bin.js')
const APP_DIR = join(REPO_DIR, 'packages', 'app-rendezvous', 'dist', 'app')
const JS_PEER_DIR = join(REPO_DIR, 'interop', 'js-peer')
const PEERJS_DIR = join(BENCH_DIR, 'peerjs')
export const RENDEZVOUS_OUT = join(BENCH_DIR, 'results', 'rendezvous.json')

const MiB = 1024 * 1024
/** page B's phases (lib/rendezvous-stacks.mjs phasesOf), ms since its navigation start */
const PHASES = ['loadMs', 'wsOpenMs', 'pcCreatedMs', 'pcConnectedMs']
/** `limit`: bare RTCDataChannels between two pages, no library (file throughput only) */
const STACKS = ['ours', 'js', 'peerjs', 'limit']
export const RENDEZVOUS_CONFIG = {
  full: { rounds: 10, warmup: 1, fileBytes: 32 * MiB },
  quick: { rounds: 2, warmup: 1, fileBytes: 8 * MiB }
}
/** the app's default room poll (DEFAULT_ROOM_POLL_MS): what `npm start` gives a person */
const DEFAULT_POLL_MS = 5_000
/** a page step (joining, going direct, a message) and a whole file transfer */
const WAIT_MS = 60_000
const FILE_WAIT_MS = 180_000

const log = (...args) => console.error('[rendezvous]', ...args)
const loadavg = () => os.loadavg().map(x => Math.round(x * 100) / 100)

const PAGE_HTML = (title, head) => `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${title}</title>
${head}
`

/** the js page and the PeerJS page, by path, for the bench's page server */
async function pageFiles () {
  const js = await esbuild.build({
    entryPoints: [join(LIB_DIR, 'rendezvous-js-page.mjs')],
    nodePaths: [join(JS_PEER_DIR, 'node_modules')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent'
  })
  const script = 'text/javascript; charset=utf-8'
  const html = 'text/html; charset=utf-8'
  return {
    '/js/': [html, PAGE_HTML('js-libp2p room member', '<script type="module" src="/js/room.js"></script>')],
    '/js/room.js': [script, js.outputFiles[0].contents],
    '/blank/': [html, PAGE_HTML('bare data channel', '')],
    '/peerjs/': [html, PAGE_HTML('PeerJS page', '<script src="/peerjs/peerjs.min.js"></script>\n<script type="module" src="/peerjs/page.mjs"></script>')],
    '/peerjs/peerjs.min.js': [script, readFileSync(join(PEERJS_DIR, 'node_modules', 'peerjs', 'dist', 'peerjs.min.js'))],
    '/peerjs/page.mjs': [script, readFileSync(join(LIB_DIR, 'rendezvous-peerjs-page.mjs'))],
    '/peerjs/rendezvous-page-util.mjs': [script, readFileSync(join(LIB_DIR, 'rendezvous-page-util.mjs'))]
  }
}

/**
 * The kernel's count of UDP datagrams dropped for a full receive buffer (all sockets): WebRTC on
 * loopback loses packets this way when a page falls behind, and the data channel's throughput with them
 */
function udpReceiveErrors () {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter(l => l.startsWith('Udp: '))
    const [names, values] = lines.map(l => l.split(/\s+/))
    return Number(values[names.indexOf('RcvbufErrors')])
  } catch {
    return NaN
  }
}

const version = (dir, name) => JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version

function git (...args) {
  try { return execFileSync('git', args, { cwd: REPO_DIR, encoding: 'utf8' }).trim() } catch { return null }
}

const mbps = (f) => f == null ? null : f.bytes / (f.ms / 1000) / 1e6
/** p90 is the slow end of a time, p10 the slow end of a rate */
const stats = (xs) => ({ median: median(xs), p90: quantile(xs, 0.9), p10: quantile(xs, 0.1), n: xs.filter(Number.isFinite).length })

function summarize (samples) {
  const out = {}
  for (const stack of STACKS) {
    const ok = samples.filter(s => s.stack === stack && s.error == null)
    out[stack] = {
      directMs: stats(ok.map(s => s.directMs)),
      messageMs: stats(ok.map(s => s.messageMs)),
      fileMBps: stats(ok.map(s => mbps(s.file))),
      file2MBps: stats(ok.map(s => mbps(s.file2))),
      failures: samples.filter(s => s.stack === stack && s.error != null).length,
      fileFailures: ok.filter(s => s.fileError != null).length
    }
    if (stack === 'peerjs') {
      out[stack].fileRawMBps = stats(ok.map(s => mbps(s.fileRaw)))
      out[stack].fileRaw2MBps = stats(ok.map(s => mbps(s.fileRaw2)))
    }
    if (stack === 'limit') {
      out[stack].file64kMBps = stats(ok.map(s => mbps(s.file64k)))
      out[stack].file64kAgainMBps = stats(ok.map(s => mbps(s.file64kAgain)))
      out[stack].file16kMBps = stats(ok.map(s => mbps(s.file16k)))
    }
    if (stack !== 'limit') for (const key of PHASES) out[stack][key] = stats(ok.map(s => s[key]))
    out[stack].udpRcvbufErrors = stats(ok.map(s => s.udpRcvbufErrors))
    if (stack === 'ours' || stack === 'js') {
      // of two pages, the one with the smaller peer id dials at once; the other waits 2 x poll
      out[stack].directMsWhenBDialsFirst = stats(ok.filter(s => s.bDialsFirst).map(s => s.directMs))
      out[stack].directMsWhenADialsFirst = stats(ok.filter(s => !s.bDialsFirst).map(s => s.directMs))
    }
  }
  return out
}

const fmt = (x, digits = 0) => x == null ? '–' : x.toFixed(digits)
const ratio = (a, b) => a == null || b == null || b === 0 ? null : a / b

function table (summary, fileBytes) {
  const none = { median: null, p90: null }
  const [o, j, p, l] = STACKS.map(s => summary[s] ?? {})
  const at = (s, key) => s[key] ?? none
  const time = (s, key) => `${fmt(at(s, key).median)} (${fmt(at(s, key).p90)})`
  const rate = (s, key) => `${fmt(at(s, key).median, 1)} (${fmt(at(s, key).p10, 1)})`
  const bestPeerjs = (a, b) => Math.max(at(p, a).median ?? 0, at(p, b).median ?? 0) || null
  const phases = (s) => PHASES.map(k => fmt(at(s, k).median)).join(' / ')
  const rows = [
    ['B\'s phases, ms, medians: page loaded / WebSocket open / RTCPeerConnection made / connected', phases(o), phases(j), phases(p), '–', null, null, ''],
    ['time to direct connection, ms: median (p90)', time(o, 'directMs'), time(j, 'directMs'), time(p, 'directMs'), '–', ratio(at(o, 'directMs').median, at(j, 'directMs').median), ratio(at(o, 'directMs').median, at(p, 'directMs').median), 'ours < js'],
    ['time to first message, ms: median (p90)', time(o, 'messageMs'), time(j, 'messageMs'), time(p, 'messageMs'), '–', ratio(at(o, 'messageMs').median, at(j, 'messageMs').median), ratio(at(o, 'messageMs').median, at(p, 'messageMs').median), 'ours < js; ours <= 1.5 x PeerJS'],
    [`first file of ${fileBytes / MiB} MiB B -> A, MB/s: median (p10)`, rate(o, 'fileMBps'), rate(j, 'fileMBps'), `${rate(p, 'fileMBps')} binary, ${rate(p, 'fileRawMBps')} raw`, `${rate(l, 'file64kMBps')} (64 KiB messages)`, ratio(at(o, 'fileMBps').median, at(j, 'fileMBps').median), ratio(at(o, 'fileMBps').median, bestPeerjs('fileMBps', 'fileRawMBps')), 'ours >= PeerJS (its faster mode)'],
    [`second file, same connection, MB/s: median (p10)`, rate(o, 'file2MBps'), rate(j, 'file2MBps'), `${rate(p, 'file2MBps')} binary, ${rate(p, 'fileRaw2MBps')} raw`, `${rate(l, 'file64kAgainMBps')} in 64 KiB, ${rate(l, 'file16kMBps')} in 16 KiB messages`, ratio(at(o, 'file2MBps').median, at(j, 'file2MBps').median), ratio(at(o, 'file2MBps').median, bestPeerjs('file2MBps', 'fileRaw2MBps')), 'ours >= PeerJS (its faster mode)']
  ]
  const lines = [
    '| metric | ours | js-libp2p 3.3.11 | PeerJS 1.5.5 | bare data channel | ours/js | ours/PeerJS | goal |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(r => `| ${r[0]} | ${r[1]} | ${r[2]} | ${r[3]} | ${r[4]} | ${fmt(r[5], 2)} | ${fmt(r[6], 2)} | ${r[7]} |`)
  ]
  return lines.join('\n')
}

function describeSample (s) {
  const parts = []
  if (s.directMs != null) parts.push(`direct ${s.directMs} ms, message ${s.messageMs} ms`)
  for (const key of ['file', 'file2', 'fileRaw', 'fileRaw2', 'file64k', 'file64kAgain', 'file16k']) if (s[key] != null) parts.push(`${key} ${fmt(mbps(s[key]), 1)} MB/s`)
  if (s.fileError != null) parts.push(`file FAILED: ${s.fileError.split('\n')[0]}`)
  parts.push(`UDP receive-buffer drops ${s.udpRcvbufErrors}`)
  return parts.join(', ')
}

export async function runRendezvous ({ quick = false, rounds, pollMs = DEFAULT_POLL_MS, stacks = STACKS, out = RENDEZVOUS_OUT, command }) {
  const missing = await chromiumMissing()
  if (missing != null) throw new Error(`rendezvous: ${missing}`)
  for (const s of stacks) if (!STACKS.includes(s)) throw new TypeError(`rendezvous: unknown stack ${s}; one of ${STACKS.join(', ')}`)
  const config = { ...(quick ? RENDEZVOUS_CONFIG.quick : RENDEZVOUS_CONFIG.full), pollMs, stacks }
  if (rounds != null) config.rounds = rounds
  ensureJsPeer()
  if (await ensurePeerjs(PEERJS_DIR)) log('npm ci in bench/peerjs')
  const meta = {
    command,
    date: new Date().toISOString(),
    git: git('rev-parse', '--short', 'HEAD'),
    uncommittedUnderPackages: (git('status', '--porcelain', '--', 'packages') ?? '').split('\n').filter(Boolean).length,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadavgStart: loadavg(),
    versions: {
      libp2p: version(JS_PEER_DIR, 'libp2p'),
      '@libp2p/webrtc': version(JS_PEER_DIR, '@libp2p/webrtc'),
      peerjs: version(PEERJS_DIR, 'peerjs'),
      peer: version(PEERJS_DIR, 'peer'),
      'playwright-core': version(REPO_DIR, 'playwright-core')
    }
  }
  const cleanup = []
  const samples = []
  try {
    // a copy of the built app, so a rebuild in the tree during the run does not change the pages
    const appDir = mkdtempSync(join(os.tmpdir(), 'bench-rendezvous-app-'))
    cleanup.push(async () => { rmSync(appDir, { recursive: true, force: true }) })
    cpSync(APP_DIR, appDir, { recursive: true })
    meta.appJsSha256 = createHash('sha256').update(readFileSync(join(appDir, 'app.js'))).digest('hex')
    const node = await startLibp2pNode(BIN, appDir)
    cleanup.push(node.stop)
    const peerServer = await startPeerServer(PEERJS_DIR)
    cleanup.push(peerServer.stop)
    const pages = await startPageServer(await pageFiles())
    cleanup.push(pages.close)
    const browser = await launchChromium()
    cleanup.push(browser.stop)
    meta.chromium = browser.version
    log(`node ${node.peerId} (pid ${node.pid}), app ${node.appUrl}; peer server pid ${peerServer.pid} port ${peerServer.port}; Chromium ${browser.version}`)
    const env = { node, peerServer, pages, browser, pollMs, fileBytes: config.fileBytes, waitMs: WAIT_MS, fileWaitMs: FILE_WAIT_MS }
    const total = config.warmup + config.rounds
    for (let round = 0; round < total; round++) {
      const order = stacks.map((_, i) => stacks[(i + round) % stacks.length])
      for (const stack of order) {
        const room = `bench-${stack}-${round}-${Date.now()}`
        const t0 = Date.now()
        const udpBefore = udpReceiveErrors()
        let sample
        try {
          sample = await ROUNDS[stack](env, room, round)
        } catch (err) {
          sample = { error: `${err.name}: ${err.message}` }
        }
        Object.assign(sample, { stack, round, warmup: round < config.warmup, loadavg: loadavg(), wallMs: Date.now() - t0, udpRcvbufErrors: udpReceiveErrors() - udpBefore })
        samples.push(sample)
        log(`round ${round}${sample.warmup ? ' (warm-up)' : ''} ${stack}: ${sample.error ?? describeSample(sample)}`)
      }
    }
  } finally {
    for (const stop of cleanup.reverse()) await stop().catch(err => log(`stopping: ${err.message}`))
  }
  meta.loadavgEnd = loadavg()
  const counted = samples.filter(s => !s.warmup)
  const summary = summarize(counted)
  const text = table(summary, config.fileBytes)
  console.log(`\nRendezvous (issue 13): ${config.rounds} rounds (+${config.warmup} warm-up), room poll ${pollMs} ms, load ${meta.loadavgStart.join('/')} -> ${meta.loadavgEnd.join('/')}\n`)
  console.log(text)
  for (const s of counted.filter(s => s.error != null)) console.log(`\nround ${s.round} ${s.stack} FAILED: ${s.error}`)
  for (const s of counted.filter(s => s.fileError != null)) console.log(`\nround ${s.round} ${s.stack} file FAILED: ${s.fileError}`)
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, JSON.stringify({ meta, config, summary, table: text, samples }, null, 2) + '\n')
  log(`wrote ${relative(process.cwd(), out)}`)
}
