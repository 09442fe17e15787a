import { stat } from 'node:fs/promises'
import { AppConfigError, CONFIG_TIMEOUT_MS, MAX_CHAT_MESSAGE_BYTES, MAX_ICE_SERVERS, MAX_ROOM_NAME_CHARS, RendezvousApp, iceServerFromUrl, parseConfig } from '@libp2p/app-rendezvous'
import { withTimeout } from '@libp2p/utils'
import { cleanup } from 'node-datachannel'
import { ChatSession, CHAT_LINE_HELP, shortPeer } from '../chat-session.js'
import { STOP_DEADLINE_MS } from '../constants.js'
import { UsageError } from '../errors.js'
import { DEFAULT_HTTP_LISTEN } from '../http/constants.js'
import { httpUrl, parseHttpListen } from '../http/listen-address.js'
import { untilSignal, withinDeadline } from '../signals.js'
import { boundedLines } from '../stdin-lines.js'
import { listFlag, positionals, stringFlag, usageInteger } from './command.js'
import { keyFlag } from './listen.js'
import type { Command, CommandIO, ParsedArgs } from './command.js'
import type { AppConfig, AppConfigJson } from '@libp2p/app-rendezvous'

const defaultHttp = parseHttpListen(DEFAULT_HTTP_LISTEN)

/** where a `libp2p node` on this machine with its default HTTP address serves the app's config.json */
export const DEFAULT_CHAT_CONFIG_URL = `${defaultHttp == null ? 'http://127.0.0.1:8080/' : httpUrl(defaultHttp, defaultHttp.port)}app/config.json`

/** the shortest lookup interval accepted (the page's rule) */
const MIN_POLL_MS = 100

/** the flags checked before any network: a mistake is a usage error (exit 2) */
interface ChatFlags {
  room: string
  /** --relay given: the relay list (and the poll interval) without config.json */
  relay: URLSearchParams
  configUrl?: URL
  iceServers?: RTCIceServer[]
  saveDir: string
}

async function chatFlags (args: ParsedArgs): Promise<ChatFlags> {
  const [room] = positionals('chat', args, ['<room>'])
  if (room.trim() === '' || room.length > MAX_ROOM_NAME_CHARS) { throw new UsageError(`libp2p chat: the room name must have 1 to ${MAX_ROOM_NAME_CHARS} characters`) }
  const relay = new URLSearchParams(listFlag(args, 'relay').map(r => ['relay', r]))
  const poll = stringFlag(args, 'poll')
  if (poll != null) { relay.set('poll', String(usageInteger('poll', poll, MIN_POLL_MS))) }
  if (relay.has('relay')) {
    // the relay addresses are checked as the page checks them (a multiaddr ending in /p2p/<id>)
    try {
      parseConfig({}, relay)
    } catch (err: any) {
      throw new UsageError(`libp2p chat: --relay: ${err.message}`)
    }
  }
  const configText = stringFlag(args, 'config-url') ?? (relay.has('relay') ? undefined : DEFAULT_CHAT_CONFIG_URL)
  let configUrl: URL | undefined
  if (configText != null) {
    configUrl = URL.canParse(configText) ? new URL(configText) : undefined
    if (configUrl == null || !['http:', 'https:'].includes(configUrl.protocol)) { throw new UsageError(`libp2p chat: --config-url ${configText} is not an http: or https: URL`) }
  }
  const iceUrls = listFlag(args, 'ice-server')
  if (iceUrls.length > MAX_ICE_SERVERS) { throw new UsageError(`libp2p chat: at most ${MAX_ICE_SERVERS} --ice-server`) }
  let iceServers: RTCIceServer[] | undefined
  try {
    iceServers = iceUrls.length === 0 ? undefined : iceUrls.map(iceServerFromUrl)
  } catch (err: any) {
    throw new UsageError(`libp2p chat: --ice-server: ${err.message}`)
  }
  const saveDir = stringFlag(args, 'save-dir') ?? '.'
  if (!(await stat(saveDir).then(s => s.isDirectory(), () => false))) { throw new UsageError(`libp2p chat: --save-dir ${saveDir} is not a directory`) }
  return { room, relay, configUrl, iceServers, saveDir }
}

/** the most of config.json read: a node's is a few hundred bytes (a relay list and up to 8 ICE servers) */
const MAX_CONFIG_BYTES = 64 * 1024

/** the body of `response` as text, refused once it passes `maxBytes` */
async function boundedText (response: Response, maxBytes: number, what: string): Promise<string> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of response.body ?? []) {
    length += chunk.byteLength
    if (length > maxBytes) { throw new AppConfigError(`${what} is over ${maxBytes} bytes: not an app config.json`) }
    chunks.push(chunk)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

/** the app's settings: config.json from the node when asked for, the flags winning over it */
async function chatConfig (flags: ChatFlags): Promise<AppConfig> {
  let json: AppConfigJson = {}
  if (flags.configUrl != null) {
    const deadline = withTimeout(CONFIG_TIMEOUT_MS, `loading ${flags.configUrl.href} (CONFIG_TIMEOUT_MS)`)
    try {
      const response = await fetch(flags.configUrl, { signal: deadline.signal }).catch((err: any) => {
        throw new AppConfigError(`${flags.configUrl?.href} cannot be loaded: is a libp2p node serving the app there? (--config-url, --relay)`, { cause: err.cause ?? err })
      })
      if (!response.ok) { throw new AppConfigError(`${flags.configUrl.href} answered ${response.status}: is a libp2p node serving the app there? (--config-url, --relay)`) }
      const text = await boundedText(response, MAX_CONFIG_BYTES, flags.configUrl.href)
      try {
        json = JSON.parse(text)
      } catch (err: any) {
        throw new AppConfigError(`${flags.configUrl.href} is not JSON: ${err.message}`)
      }
    } finally {
      deadline.done()
    }
  }
  const config = parseConfig(json, flags.relay)
  return { ...config, iceServers: flags.iceServers ?? config.iceServers }
}

/** the typed lines until EOF or /quit; resolves with why it stopped */
async function readLines (session: ChatSession, io: CommandIO): Promise<'eof' | 'quit'> {
  const lines = boundedLines(process.stdin, MAX_CHAT_MESSAGE_BYTES, bytes => { io.err(`a line of ${bytes} bytes is over the ${MAX_CHAT_MESSAGE_BYTES} a message may have: not sent`) })
  try {
    for await (const line of lines) {
      if (await session.line(line) === 'quit') { return 'quit' }
    }
  } catch {
    // stdin destroyed while leaving: nothing more to read
  }
  return 'eof'
}

export const chatCommand: Command = {
  name: 'chat',
  help: `usage: libp2p chat <room> [--relay <multiaddr>]... [--config-url <url>] [--ice-server <url>]...
                   [--key <file>] [--poll <ms>] [--save-dir <dir>] [--stay]

join a room of the rendezvous app (docs/BROWSER.md) from a terminal: meet the room's browser pages
and other terminals through a libp2p node (its relay and DHT), go direct over WebRTC, chat and
send files. Prints one line per event: "peer <id> (<short id>) found", "<short id> relayed",
"<short id> direct (WebRTC), rtt <n> ms", "<short id>: <message>", file progress, "saved <path>
(... sha256 <hex> ...)"; errors go to stderr.
  --relay <multiaddr>...  the node's WebSocket address ending in /p2p/<its peer id> (as the page's
                          config.json lists it); wins over config.json's
  --config-url <url>      read the relay list and STUN/TURN servers from a node's /app/config.json
                          (default without --relay: ${DEFAULT_CHAT_CONFIG_URL})
  --ice-server <url>...   STUN/TURN servers instead of config.json's (at most ${MAX_ICE_SERVERS}): stun:<host>[:<port>],
                          turn:[<user>:<password>@]<host>[:<port>][?transport=tcp], stuns:, turns:
  --key <file>            the identity: read, or created (Ed25519, mode 0600) when missing
  --poll <ms>             how often the room is looked up again (default config.json's, else 5000)
  --save-dir <dir>        where received files are saved (default: the working directory); a name
                          that exists gets " (1)", " (2)"... before its extension, nothing is overwritten
  --stay                  keep going after stdin ends (run until SIGINT/SIGTERM)

${CHAT_LINE_HELP}

A line is at most ${MAX_CHAT_MESSAGE_BYTES} bytes; longer ones are not sent. Ctrl-C, SIGTERM, /quit or the end
of stdin (unless --stay) leaves the room and exits 0; 1 when the node or config.json cannot be
reached, 2 on a usage error.
`,
  options: {
    relay: { type: 'string', multiple: true },
    'config-url': { type: 'string' },
    'ice-server': { type: 'string', multiple: true },
    key: { type: 'string' },
    poll: { type: 'string' },
    'save-dir': { type: 'string' },
    stay: { type: 'boolean' }
  },
  async run (args, io) {
    const flags = await chatFlags(args)
    const privateKey = await keyFlag(stringFlag(args, 'key'), io)
    const config = await chatConfig(flags)
    const stopped = untilSignal(signal => { io.err(`${signal} again: exiting without finishing the stop`) })
    let app: RendezvousApp | undefined
    let session: ChatSession | undefined
    try {
      app = await RendezvousApp.join({ ...config, privateKey }, flags.room)
      session = new ChatSession(app, io, flags.saveDir)
      session.start()
      io.out(`peer id ${app.node.peerId.toString()} (${shortPeer(app.node.peerId.toString())})`)
      io.out(`joined room ${JSON.stringify(flags.room)} through ${config.relay.map(String).join(', ')}`)
      const reading = readLines(session, io)
      const input = args.values.stay === true ? reading.then(async why => why === 'quit' ? why : new Promise<never>(() => {})) : reading
      const why = await Promise.race([stopped, input])
      session.stop()
      io.out(`${why === 'eof' ? 'end of input' : why}: leaving the room`)
    } finally {
      session?.stop()
      // stdin would keep the process alive (and the reading loop waiting)
      process.stdin.destroy()
      const joined = app
      try {
        await withinDeadline(STOP_DEADLINE_MS, 'leaving the room', async () => { await joined?.leave() })
      } finally {
        // node-datachannel's threads keep the process alive until they are cleaned up
        cleanup()
      }
    }
    io.out('left')
    return 0
  }
}
