import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import { namespaceUnavailable, runInNamespace } from './namespace.js'
import type { PeerLine } from './namespace.js'

// mDNS on a real network would find (and announce to) whatever is on it, so these tests run their
// peers in a network namespace of their own, whose only interface is loopback with multicast on.
const OURS = fileURLToPath(new URL('./fixtures/lan-peer.js', import.meta.url))
const LIFECYCLE = fileURLToPath(new URL('./fixtures/lifecycle.js', import.meta.url))
const QUERY_FLOOD = fileURLToPath(new URL('./fixtures/query-flood.js', import.meta.url))
const REPO = fileURLToPath(new URL('../../../../', import.meta.url))
const JS_PEER = `${REPO}interop/js-peer/mdns-peer.mjs`
const NODE24 = `${REPO}tools/node24/node_modules/.bin/node`
const TIMEOUT_MS = 40_000
const INSTALL_TIMEOUT_MS = 180_000

/** `npm ci --prefix <folder>` from the repository root; throws with npm's output when it fails */
function npmCi (folder: string): void {
  const result = spawnSync('npm', ['ci', '--prefix', folder, '--no-audit', '--no-fund'], { cwd: REPO, encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS })
  if (result.status !== 0) {
    throw new Error(`npm ci --prefix ${folder} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr.slice(-2000)}`)
  }
}

function ours (label: string, expect: number, ...flags: string[]): string[] {
  return [process.execPath, OURS, '--label', label, '--expect', String(expect), ...flags]
}

function js (label: string, expect: number): string[] {
  return [NODE24, JS_PEER, '--label', label, '--expect', String(expect)]
}

const allDone = (labels: string[]) => (lines: PeerLine[]): boolean =>
  labels.every(label => lines.some(l => l.label === label && l.event === 'done'))

/** that every labelled peer found and connected to every other one */
function expectMutual (lines: PeerLine[], labels: string[]): void {
  const ids = new Map(lines.filter(l => l.event === 'ready').map(l => [l.label, l.peerId]))
  for (const a of labels) {
    for (const b of labels.filter(l => l !== a)) {
      const found = lines.find(l => l.label === a && l.event === 'discovered' && l.peerId === ids.get(b))
      expect(found, `${a} discovered ${b}`).to.exist()
      // only LAN addresses are announced; on this loopback-only network that is 127.0.0.1
      expect(found?.multiaddrs).to.not.be.empty()
      for (const ma of found?.multiaddrs ?? []) { expect(ma).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+$/) }
      expect(lines.some(l => l.label === a && l.event === 'connected' && l.peerId === ids.get(b)), `${a} connected to ${b}`).to.equal(true)
    }
  }
}

describe('mdns on a loopback-only network namespace', function () {
  this.timeout(TIMEOUT_MS + 10_000)

  before(function () {
    const why = namespaceUnavailable()
    if (why != null) {
      // needs root or unprivileged user namespaces, which some CI sandboxes lack; the codec and
      // filtering are still covered by the *.spec.ts tests. `why` says what failed.
      this.test?.parent?.tests.forEach(t => { t.title += ` (skipped: ${why})` })
      this.skip()
    }
  })

  it('two of our nodes discover and connect to each other, despite malformed packets on the network', async () => {
    const { lines } = await runInNamespace([ours('a', 1, '--garbage'), ours('b', 1)], allDone(['a', 'b']), TIMEOUT_MS)
    expectMutual(lines, ['a', 'b'])
    expect(lines.some(l => l.label === 'a' && l.event === 'garbage-sent')).to.equal(true)
  })

  it('stop() closes the socket and clears every timer: the process then exits by itself', async () => {
    const { lines } = await runInNamespace([[process.execPath, LIFECYCLE]], lines => lines.some(l => l.event === 'exit'), TIMEOUT_MS)
    expect(lines.filter(l => l.event === 'stopped')).to.have.lengthOf(2)
  })

  it('answers a flood of queries with one response per second', async () => {
    const responses = (lines: PeerLine[]): PeerLine[] => lines.filter(l => l.event === 'response')
    // the first response comes at once, the second gathers the other 99 queries a second later
    const { lines } = await runInNamespace([[process.execPath, QUERY_FLOOD]], lines => responses(lines).length >= 2, TIMEOUT_MS)
    const [first, second] = responses(lines) as Array<PeerLine & { afterMs: number }>
    expect(lines.some(l => l.event === 'flooded')).to.equal(true)
    expect(responses(lines)).to.have.lengthOf(2)
    expect(second.afterMs - first.afterMs).to.be.at.least(900)
  })

  describe('with js-libp2p 3.3.11 and @libp2p/mdns 12', function () {
    before(function () {
      // the js peer runs on Node 24 from its own lockfile; install both on first use, as the interop
      // harness does (a js-peer installed before @libp2p/mdns was pinned lacks it: install again)
      this.timeout(2 * INSTALL_TIMEOUT_MS)
      if (!existsSync(NODE24)) { npmCi('tools/node24') }
      if (!existsSync(`${REPO}interop/js-peer/node_modules/@libp2p/mdns/package.json`)) { npmCi('interop/js-peer') }
    })

    it('ours and js-libp2p discover and connect to each other both ways', async () => {
      const { lines } = await runInNamespace([ours('ours', 1), js('js', 1)], allDone(['ours', 'js']), TIMEOUT_MS)
      expectMutual(lines, ['ours', 'js'])
    })
  })
})
