import { open, readFile, stat } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { MAX_FILE_BYTES, RESERVATION_TIMEOUT_MS, cleanFileName } from '@libp2p/app-rendezvous'
import { InvalidParametersError } from '@libp2p/interface'
import type { RendezvousApp, RoomPeer, Transfer } from '@libp2p/app-rendezvous'

/** where the session prints: `out` the events of the room, `err` what went wrong */
export interface ChatOutput {
  out(line: string): void
  err(line: string): void
}

/** files of one name saved with a suffix before giving up (`name (1).ext` ... ) */
const MAX_NAME_SUFFIX = 999

/** the last characters of a peer id: the short form printed on every line and accepted by /send */
export function shortPeer (id: string): string {
  return id.slice(-8)
}

/** text from the network made safe for a terminal: control characters (escape sequences) shown as \xNN */
export function printable (text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

function formatBytes (bytes: number): string {
  if (bytes < 1024) { return `${bytes} B` }
  if (bytes < 1024 * 1024) { return `${(bytes / 1024).toFixed(1)} KiB` }
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

export const CHAT_LINE_HELP = `lines you type are sent to everyone in the room; commands:
  /send <path> [peer]   send a file over the direct connections (to one peer: its id, the start of it,
                        or the short id printed); a path with spaces works when it names a file
  /peers                the room's peers and how each is connected
  /quit                 leave the room (also Ctrl-D, Ctrl-C)
  //text                send a line that starts with /`

/**
 * `libp2p chat`'s view of a room for a terminal: one line per event a person needs (a peer found,
 * its link going relayed or direct, a message, a file's progress and result), the typed lines as
 * messages or commands, and incoming files saved into a directory, never over an existing file.
 */
export class ChatSession {
  readonly #app: RendezvousApp
  #io: ChatOutput
  readonly #saveDir: string
  /** per peer: what was last printed about its link, so each line says something new */
  readonly #shown = new Map<string, string>()
  /** per transfer: the last quarter of its progress printed */
  readonly #quarters = new Map<string, number>()
  #announced = false
  #lastRoomError = ''
  #reservationCheck?: ReturnType<typeof setTimeout>
  /** leaving: what the room does meanwhile (an announcement finishing, links closing) is not news */
  #stopped = false

  constructor (app: RendezvousApp, io: ChatOutput, saveDir: string) {
    this.#app = app
    this.#io = io
    this.#saveDir = saveDir
  }

  start (): void {
    const app = this.#app
    const out = this.#io.out
    this.#io = { out: line => { if (!this.#stopped) { out(line) } }, err: this.#io.err }
    app.room.addEventListener('announced', () => {
      clearTimeout(this.#reservationCheck)
      if (!this.#announced) { this.#io.out('announced in the room: reachable through the relay') }
      this.#announced = true
    })
    app.room.addEventListener('error', (evt) => {
      const text = `room: ${evt.detail.name}: ${evt.detail.message} (retrying)`
      // a node that is down fails every round the same way: once is enough
      if (text !== this.#lastRoomError) { this.#io.err(text) }
      this.#lastRoomError = text
    })
    this.#reservationCheck = setTimeout(() => {
      if (!this.#announced) { this.#io.err(`no relay reservation after ${RESERVATION_TIMEOUT_MS / 1000} s: is the node running?`) }
    }, RESERVATION_TIMEOUT_MS)
    app.peers.addEventListener('change', (evt) => { this.#peerChanged(evt.detail) })
    app.chat.addEventListener('message', (evt) => {
      if (!evt.detail.own) { this.#io.out(`${shortPeer(evt.detail.peer)}: ${printable(evt.detail.text)}`) }
    })
    app.files.addEventListener('change', (evt) => { void this.#transferChanged(evt.detail) })
  }

  stop (): void {
    this.#stopped = true
    clearTimeout(this.#reservationCheck)
  }

  /** one typed line: a command, else a message to everyone in the room */
  async line (text: string): Promise<'quit' | undefined> {
    if (text.trim() === '') { return }
    if (text.startsWith('/') && !text.startsWith('//')) {
      const [command, ...rest] = text.slice(1).split(' ')
      const args = rest.join(' ').trim()
      if (command === 'quit') { return 'quit' }
      if (command === 'peers') { this.#listPeers(); return }
      if (command === 'send' && args !== '') { await this.#sendFile(args); return }
      this.#io.err(CHAT_LINE_HELP)
      return
    }
    await this.#say(text.startsWith('//') ? text.slice(1) : text)
  }

  async #say (text: string): Promise<void> {
    const peers = this.#app.peers.present()
    if (peers.length === 0) {
      this.#io.err('nobody in the room yet: not sent')
      return
    }
    const results = await this.#app.say(text)
    results.forEach((result, i) => {
      if (result.status === 'rejected') { this.#io.err(`not delivered to ${shortPeer(peers[i].id.toString())}: ${result.reason?.name}: ${result.reason?.message}`) }
    })
  }

  #listPeers (): void {
    const peers = this.#app.peers.list()
    if (peers.length === 0) { this.#io.out('no peers in the room yet') }
    for (const peer of peers) { this.#io.out(`peer ${peer.id.toString()} (${shortPeer(peer.id.toString())}) ${this.#linkText(peer)}${peer.gone ? ', gone' : ''}`) }
  }

  #linkText (peer: RoomPeer): string {
    if (peer.link === 'direct') { return `direct (WebRTC)${peer.rtt == null ? '' : `, rtt ${Math.round(peer.rtt)} ms`}` }
    return peer.link === 'relayed' ? 'relayed' : 'not connected'
  }

  #peerChanged (peer: RoomPeer): void {
    const id = peer.id.toString()
    const short = shortPeer(id)
    const before = this.#shown.get(id)
    if (before == null) { this.#io.out(`peer ${id} (${short}) found`) }
    // the rtt is printed once, with the first direct line that has it: every ping is not news
    const link = peer.link === 'direct' && before?.startsWith('direct (WebRTC), rtt') === true ? before : this.#linkText(peer)
    const state = `${link}${peer.gone ? ', gone' : ''}`
    if (state !== before && !(before == null && peer.link === 'none')) { this.#io.out(`${short} ${state}`) }
    if (peer.notice != null && this.#shown.get(`${id} notice`) !== peer.notice) { this.#io.out(`${short}: ${peer.notice}`) }
    this.#shown.set(id, state)
    this.#shown.set(`${id} notice`, peer.notice ?? '')
  }

  async #transferChanged (t: Transfer): Promise<void> {
    if (t.name === '(header pending)') { return }
    const short = shortPeer(t.peer)
    const what = `${t.direction === 'incoming' ? `${printable(t.name)} from` : `${printable(t.name)} to`} ${short}`
    const quarter = t.size === 0 ? 4 : Math.floor(4 * t.bytes / t.size)
    const shown = this.#quarters.get(t.id)
    if (shown == null) { this.#io.out(`${t.direction === 'incoming' ? 'receiving' : 'sending'} ${what} (${formatBytes(t.size)})`) }
    if ((t.state === 'sending' || t.state === 'receiving') && quarter > (shown ?? 0) && quarter < 4) {
      this.#io.out(`${what}: ${quarter * 25}% (${formatBytes(t.bytes)})`)
    }
    this.#quarters.set(t.id, Math.max(quarter, shown ?? 0))
    if (t.state === 'failed' || t.state === 'cancelled') {
      this.#quarters.delete(t.id)
      this.#io.err(`${what} ${t.state}: ${t.error ?? ''}`)
    }
    if (t.state !== 'verified') { return }
    this.#quarters.delete(t.id)
    const seconds = Math.max((t.endedAt ?? Date.now()) - t.startedAt, 1) / 1000
    const rate = `${formatBytes(t.size / seconds)}/s`
    if (t.direction === 'outgoing') {
      this.#io.out(`sent ${what}: verified by the receiver, sha256 ${t.sha256}, ${rate}`)
      return
    }
    const blob = t.blob
    // the app keeps finished transfers in its list: the bytes need not stay in memory once saved
    delete t.blob
    if (blob == null) { return }
    try {
      const path = await this.#save(t.name, new Uint8Array(await blob.arrayBuffer()))
      this.#io.out(`saved ${printable(path)} (${what}, ${formatBytes(t.size)}, sha256 ${t.sha256}, ${rate})`)
    } catch (err: any) {
      this.#io.err(`${what} could not be saved: ${err.name}: ${err.message}`)
    }
  }

  /** writes `data` into the save directory under `name`, or `name (n).ext` when that exists */
  async #save (name: string, data: Uint8Array): Promise<string> {
    const clean = cleanFileName(name)
    const ext = extname(clean)
    const stem = clean.slice(0, clean.length - ext.length)
    for (let n = 0; n <= MAX_NAME_SUFFIX; n++) {
      const path = join(this.#saveDir, n === 0 ? clean : `${stem} (${n})${ext}`)
      let file
      try {
        // exclusive: a file that appeared meanwhile is never overwritten
        file = await open(path, 'wx', 0o644)
      } catch (err: any) {
        if (err.code === 'EEXIST') { continue }
        throw err
      }
      try {
        await file.writeFile(data)
      } finally {
        await file.close()
      }
      return path
    }
    throw new InvalidParametersError(`${clean} and ${MAX_NAME_SUFFIX} numbered variants of it exist already in ${this.#saveDir}`)
  }

  /** `/send <path> [peer]`: the file to every direct peer, or to the one named */
  async #sendFile (args: string): Promise<void> {
    let path = args
    let target: string | undefined
    const words = args.split(' ')
    if (words.length > 1 && !(await isFile(args))) {
      target = words.pop()
      path = words.join(' ')
    }
    const peers = this.#targets(target)
    if (peers == null) { return }
    let data: Uint8Array
    try {
      const info = await stat(path)
      if (!info.isFile()) { throw new InvalidParametersError('not a file') }
      // the receiver holds a file in memory: the app's bound, which the receiving side enforces too
      if (info.size > MAX_FILE_BYTES) { throw new InvalidParametersError(`${formatBytes(info.size)} is over the ${formatBytes(MAX_FILE_BYTES)} a file may have (MAX_FILE_BYTES)`) }
      data = await readFile(path)
    } catch (err: any) {
      this.#io.err(`cannot send ${path}: ${err.message}`)
      return
    }
    for (const peer of peers) {
      try {
        this.#app.sendFile(peer, basename(path), data)
      } catch (err: any) {
        this.#io.err(`cannot send ${path} to ${shortPeer(peer.id.toString())}: ${err.name}: ${err.message}`)
      }
    }
  }

  /** the direct peers a file goes to: all of them, or the one `name` names (the start or the end of its id) */
  #targets (name: string | undefined): RoomPeer[] | undefined {
    const direct = this.#app.peers.present().filter(p => p.link === 'direct')
    if (name == null) {
      if (direct.length === 0) { this.#io.err('no direct connection to anyone yet: files do not go through the relay') }
      return direct.length === 0 ? undefined : direct
    }
    const named = this.#app.peers.present().filter(p => p.id.toString().startsWith(name) || p.id.toString().endsWith(name))
    if (named.length !== 1) {
      this.#io.err(named.length === 0 ? `no peer ${name} in the room (/peers lists them)` : `${name} names ${named.length} peers: give more of the id`)
      return undefined
    }
    if (named[0].link !== 'direct') {
      this.#io.err(`no direct connection to ${shortPeer(named[0].id.toString())} yet: files do not go through the relay`)
      return undefined
    }
    return named
  }
}

async function isFile (path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile()
  } catch {
    return false
  }
}
