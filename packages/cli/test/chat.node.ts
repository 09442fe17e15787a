import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { shortPeer } from '../src/chat-session.js'
import { BUNDLED_APP_DIR } from '../src/constants.js'
import { tempDirPerTest } from './fixtures/nodes.js'
import { BinProcess, runBin } from './fixtures/process.js'
import type { Browser, Page } from 'playwright-core'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** WebRTC between a page and a process on loopback: Chromium gathers 127.0.0.1 candidates only with the last two */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--allow-loopback-in-peer-connection', '--use-fake-ui-for-media-stream']
/** every wait for a room event (a loaded 2-core machine runs Chromium, the node and the chat processes) */
const ROOM_WAIT_MS = 90_000

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

/** the room's relay and DHT: `libp2p node` on loopback WebSockets, serving the app when this checkout built it */
async function startRoomNode (dataDir: string): Promise<{ proc: BinProcess, relay: string, appUrl?: string }> {
  const hasApp = existsSync(join(BUNDLED_APP_DIR, 'index.html'))
  // every peer comes from 127.0.0.1: the per-IP reservation limit would count them all
  const proc = new BinProcess(['node', '--data-dir', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--http-listen', '/ip4/127.0.0.1/tcp/0', '--dht-lan', '--max-reservations-per-ip', '64', '--app-dir', hasApp ? BUNDLED_APP_DIR : 'none'])
  try {
    const [, relay] = await proc.waitFor('stdout', /listening on (\S+\/ws\/p2p\/\S+)/)
    const [, url] = await proc.waitFor('stdout', /status page (http:\S+)/)
    return { proc, relay, appUrl: hasApp ? `${url}app/` : undefined }
  } catch (err) {
    await proc.stop()
    throw err
  }
}

/** `libp2p chat <room> ...` with its stdin a pipe; resolves once it printed its peer id */
async function startChat (args: string[]): Promise<{ proc: BinProcess, id: string }> {
  const proc = new BinProcess(['chat', ...args], undefined, {}, 'pipe')
  const [, id] = await proc.waitFor('stdout', /^peer id (\S+)/m, ROOM_WAIT_MS)
  return { proc, id }
}

/** a process that exited is gone from the process table: nothing was left running */
function gone (pid: number | undefined): boolean {
  try {
    process.kill(pid ?? 0, 0)
    return false
  } catch (err: any) {
    return err.code === 'ESRCH'
  }
}

describe('libp2p chat <room>', function () {
  this.timeout(4 * ROOM_WAIT_MS)
  let node: { proc: BinProcess, relay: string, appUrl?: string } | undefined
  let dataDir = ''
  const chats: BinProcess[] = []
  const temp = tempDirPerTest('libp2p-chat-')

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'libp2p-chat-node-'))
    node = await startRoomNode(dataDir)
  })

  afterEach(async () => {
    await Promise.all(chats.splice(0).map(async c => c.stop()))
  })

  after(async () => {
    await node?.proc.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('a terminal and a browser page meet, go direct, chat and send a file each way (saved with its hash), and the terminal exits 0 at the end of its input', async function () {
    if (node?.appUrl == null || !existsSync(CHROMIUM)) {
      // the page is the app's bundle (built by npm run build) in Debian's Chromium
      // eslint-disable-next-line no-console
      console.log(`      skipped: ${node?.appUrl == null ? 'the rendezvous app is not built' : `${CHROMIUM} not found (apt-get install chromium)`}`)
      this.skip()
      return
    }
    const room = `cli-page-${Date.now()}`
    const saveDir = temp.dir()
    // a file of the name the page sends exists already: it must stay as it is
    await writeFile(join(saveDir, 'from-page.bin'), 'older file')
    const { chromium } = await import('playwright-core')
    let browser: Browser | undefined
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: ROOM_WAIT_MS, args: CHROMIUM_ARGS })
      const page: Page = await (await browser.newContext()).newPage()
      const problems: string[] = []
      page.on('pageerror', err => problems.push(`page error: ${err.message}`))
      await page.goto(`${node.appUrl}?poll=1000#room=${room}`, { timeout: ROOM_WAIT_MS })
      const wait = { timeout: ROOM_WAIT_MS, polling: 100 }
      const pageId: string = await (await page.waitForFunction(() => (window as any).rendezvous?.peerId, undefined, wait)).jsonValue()

      const chat = await startChat([room, '--config-url', `${node.appUrl}config.json`, '--poll', '1000', '--save-dir', saveDir])
      chats.push(chat.proc)
      await chat.proc.waitFor('stdout', new RegExp(`^${shortPeer(pageId)} direct \\(WebRTC\\)`, 'm'), ROOM_WAIT_MS)
      // the page found the terminal in the room too, and its connection object to it is a direct, unlimited WebRTC one
      await page.waitForFunction((id: string) => (window as any).rendezvous.peers().some((p: any) => p.id === id && p.link === 'direct') && (window as any).rendezvous.connections().some((c: any) => c.remotePeer === id && c.direct && !c.limited && c.status === 'open' && c.remoteAddr.includes('/webrtc')), chat.id, wait)

      chat.proc.child.stdin?.write('hello from a terminal\n')
      await page.waitForFunction((id: string) => (window as any).rendezvous.messages().some((m: any) => m.peer === id && m.text === 'hello from a terminal' && m.via === 'direct'), chat.id, wait)
      expect(await page.evaluate(async () => (window as any).rendezvous.say('hello from a browser'))).to.deep.equal(['ok'])
      await chat.proc.waitFor('stdout', new RegExp(`^${shortPeer(pageId)}: hello from a browser$`, 'm'), ROOM_WAIT_MS)

      const data = randomBytes(300 * 1024)
      await writeFile(join(saveDir, 'from-cli.bin'), data)
      chat.proc.child.stdin?.write(`/send ${join(saveDir, 'from-cli.bin')}\n`)
      const got: any = await (await page.waitForFunction(() => (window as any).rendezvous.transfers().find((t: any) => t.name === 'from-cli.bin' && ['verified', 'failed', 'cancelled'].includes(t.state)), undefined, wait)).jsonValue()
      expect(got).to.include({ state: 'verified', sha256: sha256(data), bytes: data.byteLength, peer: chat.id })
      await chat.proc.waitFor('stdout', new RegExp(`^sent from-cli\\.bin to ${shortPeer(pageId)}: verified by the receiver, sha256 ${sha256(data)}`, 'm'), ROOM_WAIT_MS)

      const sent: { sha256: string } = await page.evaluate(async (to: string) => (window as any).rendezvous.sendRandomFile(to, 'from-page.bin', 512 * 1024), chat.id)
      const [, path, hash] = await chat.proc.waitFor('stdout', /^saved (.+) \(from-page\.bin from \S+, 512\.0 KiB, sha256 ([0-9a-f]{64})/m, ROOM_WAIT_MS)
      expect(path).to.equal(join(saveDir, 'from-page (1).bin'))
      expect(hash).to.equal(sent.sha256)
      expect(sha256(await readFile(path))).to.equal(sent.sha256)
      expect(await readFile(join(saveDir, 'from-page.bin'), 'utf8')).to.equal('older file')

      chat.proc.child.stdin?.end()
      expect(await chat.proc.exited, chat.proc.stderr).to.equal(0)
      expect(chat.proc.stdout).to.match(/end of input: leaving the room\nleft\n$/)
      expect(gone(chat.proc.child.pid)).to.equal(true)
      expect(problems).to.deep.equal([])
    } finally {
      await browser?.close()
    }
  })

  it('two terminals meet through --relay, go direct, talk and send a file to a peer named by its short id; --stay outlives its input; SIGTERM and /quit each exit 0', async () => {
    const room = `cli-cli-${Date.now()}`
    const relay = node!.relay
    const a = await startChat([room, '--relay', relay, '--poll', '1000', '--save-dir', temp.dir()])
    chats.push(a.proc)
    const b = await startChat([room, '--relay', relay, '--poll', '1000', '--save-dir', temp.dir(), '--stay'])
    chats.push(b.proc)
    await a.proc.waitFor('stdout', new RegExp(`^${shortPeer(b.id)} direct \\(WebRTC\\)`, 'm'), ROOM_WAIT_MS)
    await b.proc.waitFor('stdout', new RegExp(`^${shortPeer(a.id)} direct \\(WebRTC\\)`, 'm'), ROOM_WAIT_MS)
    a.proc.child.stdin?.write('from a\n')
    await b.proc.waitFor('stdout', new RegExp(`^${shortPeer(a.id)}: from a$`, 'm'), ROOM_WAIT_MS)
    // an escape sequence from the other side is shown, not run by the terminal
    b.proc.child.stdin?.write('from b \u001b[2J\n')
    await a.proc.waitFor('stdout', new RegExp(`^${shortPeer(b.id)}: from b \\\\x1b\\[2J$`, 'm'), ROOM_WAIT_MS)

    // a file to one peer named by its short id
    const data = randomBytes(100 * 1024)
    const file = join(temp.dir(), 'to b.bin')
    await writeFile(file, data)
    a.proc.child.stdin?.write(`/send ${file} nobody\n`)
    await a.proc.waitFor('stderr', /no peer nobody in the room/, ROOM_WAIT_MS)
    a.proc.child.stdin?.write(`/send ${file} ${shortPeer(b.id)}\n`)
    const [, path, hash] = await b.proc.waitFor('stdout', /^saved (.+) \(to b\.bin from \S+, 100\.0 KiB, sha256 ([0-9a-f]{64})/m, ROOM_WAIT_MS)
    expect(hash).to.equal(sha256(data))
    expect(sha256(await readFile(path))).to.equal(sha256(data))

    // with --stay, the end of its input does not take b out of the room
    b.proc.child.stdin?.end()
    a.proc.child.stdin?.write('still there?\n')
    await b.proc.waitFor('stdout', new RegExp(`^${shortPeer(a.id)}: still there\\?$`, 'm'), ROOM_WAIT_MS)
    expect(b.proc.child.exitCode).to.equal(null)
    expect(await b.proc.stop(), b.proc.stderr).to.equal(0)
    expect(b.proc.stdout).to.match(/SIGTERM: leaving the room\nleft\n$/)
    a.proc.child.stdin?.write('/quit\n')
    expect(await a.proc.exited, a.proc.stderr).to.equal(0)
    expect(a.proc.stdout).to.match(/quit: leaving the room\nleft\n$/)
  })

  it('usage errors exit 2 before any network; an unreachable config.json exits 1; --help and help chat', async () => {
    const relay = '/ip4/127.0.0.1/tcp/1/ws/p2p/12D3KooWJ5GcCQoEV4J4Tt77cRgsiJ4Ee9YT2LvLZCYuZwmkiaT5'
    const cases: Array<[string[], RegExp]> = [
      [[], /libp2p chat: <room> is required/],
      [['a', 'b'], /unexpected argument b/],
      [['r', '--relay', '/ip4/127.0.0.1/tcp/1/ws'], /--relay: .*does not end in \/p2p\/<peer id>/],
      [['r', '--relay', 'nonsense'], /--relay: .*does not parse/],
      [['r', '--relay', relay, '--poll', '50'], /--poll must be a whole number from 100/],
      [['r', '--relay', relay, '--ice-server', 'https://stun.example.net'], /--ice-server: ICE server "https:\/\/stun\.example\.net" is not stun:/],
      [['r', '--relay', relay, '--save-dir', join(temp.dir(), 'absent')], /--save-dir \S+ is not a directory/],
      [['r', '--config-url', 'file:///etc/passwd'], /--config-url file:\/\/\/etc\/passwd is not an http: or https: URL/],
      [['r', '--relay', relay, '--colour'], /Unknown option '--colour'/]
    ]
    for (const [args, message] of cases) {
      const run = await runBin(['chat', ...args])
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).to.equal(2)
      expect(run.stderr).to.match(message)
      expect(run.stdout).to.equal('')
    }
    const unreachable = await runBin(['chat', 'r', '--config-url', 'http://127.0.0.1:1/app/config.json'])
    expect(unreachable.code).to.equal(1)
    expect(unreachable.stderr).to.match(/^AppConfigError: http:\/\/127\.0\.0\.1:1\/app\/config\.json cannot be loaded/)
    const help = await runBin(['chat', '--help'])
    expect(help.code).to.equal(0)
    expect(help.stdout).to.match(/^usage: libp2p chat <room>/)
    expect((await runBin(['help', 'chat'])).stdout).to.equal(help.stdout)
    expect((await runBin(['help'])).stdout).to.include('chat <room>')
  })
})
