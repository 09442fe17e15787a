#!/usr/bin/env node
import { readFile } from 'node:fs/promises'
import { chatCommand } from './commands/chat.js'
import { parseCommandArgs } from './commands/command.js'
import { demoCommand } from './commands/demo.js'
import { DHT_COMMANDS, DHT_HELP } from './commands/dht.js'
import { idCommand } from './commands/id.js'
import { listenCommand } from './commands/listen.js'
import { nodeCommand } from './commands/node.js'
import { pingCommand } from './commands/ping.js'
import { Progress } from './commands/progress.js'
import { relayCommand } from './commands/relay.js'
import { USAGE_EXIT_CODE } from './constants.js'
import { UsageError } from './errors.js'
import { runPerfCommand } from './perf.js'
import { untilSignal } from './signals.js'
import type { Command, CommandIO } from './commands/command.js'

const USAGE = `usage: libp2p <command> [options]   (also installed as libp2p-node)

commands:
  node [options]               the public node: circuit relay v2 server and Kademlia DHT server over
                               TCP, WebSockets (or wss) and WebRTC-Direct, state kept in a data
                               directory, until SIGINT/SIGTERM
                               (libp2p node --help: its settings, from flags, a config file or LIBP2P_* variables)
  id [--key <file>]            print a peer id and public key (of a key file, or a fresh key)
  ping <multiaddr> [--count N] ping a peer N times (default 3) over TCP, WebSockets, WebRTC-Direct or a relay
  listen [--listen <ma>]... [--relay <multiaddr>]...
                               run a node until Ctrl-C (every transport; identify, ping, /echo/1.0.0),
                               with --relay also reachable through a reservation on that relay
  dht <get|put|provide|find-providers|find-peer> ... --bootstrap <multiaddr>
                               query the DHT as a client (libp2p help dht)
  relay [options]              run a public circuit relay v2 node (TCP + WebSockets) until Ctrl-C
  chat <room> [options]        join a room of the rendezvous app (docs/BROWSER.md) from the terminal:
                               meet browser pages through a node, go direct over WebRTC, chat, send files
  demo                         two nodes on loopback: dial, identify, ping, echo
  perf [options]               the libp2p/test-plans perf command (libp2p perf --help)
  help [<command>]             this text, or a command's (libp2p help dht get)

  libp2p --version             the version of this package

Exit codes: 0 done (found), 1 failed or not found (the error's name and message on stderr),
2 usage error.
`

const COMMANDS: Record<string, Command> = Object.fromEntries(
  [nodeCommand, idCommand, pingCommand, listenCommand, relayCommand, chatCommand, demoCommand].map(c => [c.name, c])
)

/** texts for help of the commands that are not a Command here */
const OTHER_HELP: Record<string, string> = {
  dht: DHT_HELP,
  perf: 'usage: libp2p perf [options]   (libp2p perf --help lists them)\n',
  help: 'usage: libp2p help [<command>]\n'
}

/** the Command of `words` (`ping`, `dht get`), or undefined when there is none */
function findCommand (words: string[]): Command | undefined {
  if (words[0] === 'dht') { return words[1] == null ? undefined : DHT_COMMANDS[words[1]] }
  return COMMANDS[words[0]]
}

/** `libp2p help [<command> [<subcommand>]]` */
function helpText (words: string[]): string {
  if (words.length === 0) { return USAGE }
  const command = findCommand(words)
  if (command != null) { return command.help }
  if (words.length === 1 && OTHER_HELP[words[0]] != null) { return OTHER_HELP[words[0]] }
  throw new UsageError(`unknown command ${words.join(' ')} (libp2p help)`)
}

async function packageVersion (): Promise<string> {
  // dist/src/bin.js -> the package's package.json
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
  return pkg.version
}

function commandIO (): CommandIO {
  const progress = new Progress(process.stderr)
  return {
    // a result line replaces the status line instead of being appended to it
    out: (line) => { progress.clear(); process.stdout.write(line + '\n') },
    err: (line) => { progress.clear(); process.stderr.write(line + '\n') },
    progress,
    env: process.env
  }
}

/** `<command> [args]`: its flags (a UsageError when wrong), its --help, or the command */
async function runCommand (command: Command, args: string[]): Promise<number> {
  const parsed = parseCommandArgs(command.name, args, { ...command.options, help: { type: 'boolean', short: 'h' } })
  if (parsed.values.help === true) {
    process.stdout.write(command.help)
    return 0
  }
  return command.run(parsed, commandIO())
}

async function main (): Promise<number> {
  const argv = process.argv.slice(2)
  // perf has test-plans' flags, not these: everything after the word is its own
  if (argv[0] === 'perf') {
    return runPerfCommand(argv.slice(1), {
      out: (line) => { process.stdout.write(line + '\n') },
      err: (line) => { process.stderr.write(line + '\n') },
      untilSignal: async () => { await untilSignal() }
    })
  }
  const [word, ...rest] = argv
  if (word === '--version' || word === '-v') {
    process.stdout.write(`${await packageVersion()}\n`)
    return 0
  }
  if (word === '--help' || word === '-h') {
    process.stdout.write(USAGE)
    return 0
  }
  if (word == null) {
    process.stderr.write(USAGE)
    return USAGE_EXIT_CODE
  }
  if (word.startsWith('-')) {
    throw new UsageError(`unknown option ${word} before the command (libp2p help)`)
  }
  if (word === 'help') {
    process.stdout.write(helpText(rest))
    return 0
  }
  if (word === 'dht') {
    const sub = rest[0]
    if (sub == null || sub === '--help' || sub === '-h') {
      if (sub == null) { throw new UsageError(`libp2p dht: a subcommand is required\n${DHT_HELP}`) }
      process.stdout.write(DHT_HELP)
      return 0
    }
    const command = findCommand(['dht', sub])
    if (command == null) { throw new UsageError(`unknown command dht ${sub} (libp2p help dht)`) }
    return runCommand(command, rest.slice(1))
  }
  const command = findCommand([word])
  if (command == null) { throw new UsageError(`unknown command ${word} (libp2p help)`) }
  return runCommand(command, rest)
}

main().then(code => { process.exitCode = code }, (err) => {
  if (err?.name === UsageError.name) {
    process.stderr.write(`${err.message}\n`)
    process.exitCode = USAGE_EXIT_CODE
    return
  }
  process.stderr.write(`${describeError(err)}\n`)
  process.exitCode = 1
})

/** `<name>: <message>`, and the cause's when the message does not already say it (a dial's socket error) */
function describeError (err: any): string {
  const text = `${err?.name ?? 'Error'}: ${err?.message ?? err}`
  const cause = err?.cause
  if (cause?.message == null || text.includes(cause.message)) { return text }
  return `${text} (${cause.name ?? 'Error'}: ${cause.message})`
}
