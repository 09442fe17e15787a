#!/usr/bin/env node
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { USAGE_EXIT_CODE } from './constants.js'
import { demo } from './demo.js'
import { UsageError } from './errors.js'
import { integerFlag } from './flags.js'
import { loadOrCreateKey } from './key-file.js'
import { runNodeCommand } from './node-command.js'
import { resolveNodeConfig } from './node-config.js'
import { CONFIG_FLAG, NODE_SETTINGS, flagName, nodeHelp } from './node-settings.js'
import { startNode } from './node.js'
import { runPerfCommand } from './perf.js'
import { DEFAULT_RELAY_LISTEN, startRelay } from './relay.js'
import { untilSignal } from './signals.js'
import type { Libp2p } from 'libp2p'
import type { ParseArgsConfig } from 'node:util'

const USAGE = `usage: libp2p <command> [options]   (also installed as libp2p-node)

commands:
  node [options]               the public node: circuit relay v2 server and Kademlia DHT server over
                               TCP + WebSockets, state kept in a data directory, until SIGINT/SIGTERM
                               (libp2p node --help: its settings, from flags, a config file or LIBP2P_* variables)
  demo                         two nodes on loopback: dial, identify, ping, echo
  listen [--listen <ma>]...    run a node (TCP, Noise, Yamux, identify, ping, /echo/1.0.0) until Ctrl-C
  ping <multiaddr> [--count N] ping a peer N times (default 3)
  relay [options]              run a public circuit relay v2 node (TCP + WebSockets) until Ctrl-C
  perf [options]               the libp2p/test-plans perf command (libp2p perf --help)
  help [<command>]             this text, or a command's

  libp2p --version             the version of this package
`

/** `libp2p <command> --help` and `libp2p help <command>` of the commands other than node and perf */
const COMMAND_HELP: Record<string, string> = {
  demo: `usage: libp2p demo

two nodes on loopback: dial, identify, ping, echo
`,
  listen: `usage: libp2p listen [--listen <ma>]...

run a node (TCP, Noise, Yamux, identify, ping, /echo/1.0.0) until Ctrl-C
  --listen <ma>...        listen addresses (default /ip4/0.0.0.0/tcp/0 /ip6/::/tcp/0)
`,
  ping: `usage: libp2p ping <multiaddr> [--count N]

ping a peer N times
  --count <n>             how many pings, a whole number from 1 (default 3)
`,
  relay: `usage: libp2p relay [options]

run a public circuit relay v2 node (TCP + WebSockets) until Ctrl-C
  --listen <ma>...        listen addresses (default ${DEFAULT_RELAY_LISTEN.join(' ')})
  --announce <ma>...      announce these instead (the public address behind NAT)
  --key <file>            the identity: read, or created (Ed25519, mode 0600) when missing;
                          without it the peer id changes on every start
  --max-reservations <n>  reservations held at once (default 15)
`,
  perf: 'usage: libp2p perf [options]   (libp2p perf --help lists them)\n',
  help: 'usage: libp2p help [<command>]\n'
}

function commandHelp (command: string): string {
  return command === 'node' ? nodeHelp() : COMMAND_HELP[command] ?? USAGE
}

/** `libp2p help [<command>]` */
function helpText (command: string | undefined): string {
  if (command == null) { return USAGE }
  if (command !== 'node' && COMMAND_HELP[command] == null) {
    throw new UsageError(`unknown command ${command} (libp2p help)`)
  }
  return commandHelp(command)
}

/** parseArgs with its errors (unknown flag, missing value) as UsageErrors naming the command */
function parseCommandArgs (command: string, args: string[], options: ParseArgsConfig['options']): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (err: any) {
    throw new UsageError(`libp2p ${command}: ${err.message} (libp2p help ${command})`)
  }
}

/** integerFlag() for this file's commands, whose bad values are usage errors (perf keeps test-plans' exit 1) */
function usageInteger (name: string, value: string | undefined, min: number): number {
  try {
    return integerFlag(name, value, min)
  } catch (err: any) {
    throw new UsageError(err.message)
  }
}

async function packageVersion (): Promise<string> {
  // dist/src/bin.js -> the package's package.json
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
  return pkg.version
}

function printAddresses (node: Libp2p): void {
  process.stdout.write(`peer id ${node.peerId.toString()}\n`)
  for (const ma of node.getMultiaddrs()) { process.stdout.write(`listening on ${ma.toString()}\n`) }
}

/** `libp2p node [options]`: the settings from flags, config file, environment and defaults, then the node */
async function nodeCommand (args: string[]): Promise<number> {
  const options: ParseArgsConfig['options'] = {
    [CONFIG_FLAG]: { type: 'string' },
    'print-config': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' }
  }
  for (const s of NODE_SETTINGS) {
    options[flagName(s.key)] = { type: s.type === 'boolean' ? 'boolean' : 'string', multiple: s.type === 'string[]' }
  }
  const { values, positionals } = parseCommandArgs('node', args, options)
  if (values.help === true) {
    process.stdout.write(nodeHelp())
    return 0
  }
  if (positionals.length > 0) {
    throw new UsageError(`libp2p node: unexpected argument ${positionals[0]} (libp2p help node)`)
  }
  const config = await resolveNodeConfig(values, process.env)
  if (values['print-config'] === true) {
    process.stdout.write(JSON.stringify(config, null, 2) + '\n')
    return 0
  }
  const v = (key: string): any => config.settings[key].value
  return runNodeCommand({
    dataDir: v('dataDir'),
    key: v('key'),
    listen: v('listen'),
    announce: v('announce'),
    limits: {
      maxReservations: v('maxReservations'),
      maxReservationsPerIp: v('maxReservationsPerIp'),
      reservationTtl: v('reservationTtl'),
      maxCircuits: v('maxCircuits'),
      maxCircuitsPerPeer: v('maxCircuitsPerPeer'),
      circuitDurationLimit: v('circuitDurationLimit'),
      circuitDataLimit: v('circuitDataLimit'),
      maxConnections: v('maxConnections')
    },
    dhtLan: v('dhtLan'),
    httpListen: v('httpListen'),
    appDir: v('appDir') ?? undefined,
    http: { maxConnections: v('httpMaxConnections'), headersTimeout: v('httpHeadersTimeout'), maxEventClients: v('httpMaxEventClients') },
    out: (line) => { process.stdout.write(line + '\n') },
    err: (line) => { process.stderr.write(line + '\n') }
  })
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
  const [command, ...rest] = argv
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${await packageVersion()}\n`)
    return 0
  }
  if (command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return 0
  }
  if (command == null) {
    process.stderr.write(USAGE)
    return USAGE_EXIT_CODE
  }
  if (command.startsWith('-')) {
    throw new UsageError(`unknown option ${command} before the command (libp2p help)`)
  }
  if (command === 'help') {
    process.stdout.write(helpText(rest[0]))
    return 0
  }
  if (command === 'node') {
    return nodeCommand(rest)
  }
  if (COMMAND_HELP[command] == null) {
    throw new UsageError(`unknown command ${command} (libp2p help)`)
  }
  return simpleCommand(command, rest)
}

/** the flags of demo, listen, ping and relay */
function simpleCommandOptions (command: string): ParseArgsConfig['options'] {
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } }
  if (command === 'listen' || command === 'relay') { options.listen = { type: 'string', multiple: true } }
  if (command === 'relay') {
    options.announce = { type: 'string', multiple: true }
    options.key = { type: 'string' }
    options['max-reservations'] = { type: 'string' }
  }
  if (command === 'ping') { options.count = { type: 'string' } }
  return options
}

/** demo, listen, ping and relay: their flags, then the command */
async function simpleCommand (command: string, rest: string[]): Promise<number> {
  const parsed = parseCommandArgs(command, rest, simpleCommandOptions(command))
  const values = parsed.values as Record<string, any>
  const [target, extra] = parsed.positionals
  if (values.help === true) {
    process.stdout.write(commandHelp(command))
    return 0
  }
  if ((command === 'ping' ? extra : target) != null) {
    throw new UsageError(`libp2p ${command}: unexpected argument ${command === 'ping' ? extra : target} (libp2p help ${command})`)
  }
  switch (command) {
    case 'demo':
      await demo(line => { process.stdout.write(line + '\n') })
      return 0
    case 'listen': {
      const node = await startNode({ listen: values.listen ?? ['/ip4/0.0.0.0/tcp/0', '/ip6/::/tcp/0'] })
      const stopped = untilSignal()
      printAddresses(node)
      node.addEventListener('peer:connect', (evt) => { process.stdout.write(`connected: ${evt.detail.toString()}\n`) })
      await stopped
      await node.stop()
      return 0
    }
    case 'relay': {
      let privateKey
      if (values.key != null) {
        const key = await loadOrCreateKey(values.key)
        privateKey = key.privateKey
        if (key.created) { process.stdout.write(`created identity ${values.key}\n`) }
        if (key.exposed) { process.stderr.write(`warning: ${values.key} can be read by other users (chmod 600 it)\n`) }
      }
      const maxReservations = values['max-reservations'] != null ? usageInteger('max-reservations', values['max-reservations'], 1) : undefined
      const node = await startRelay({ privateKey, listen: values.listen, announce: values.announce, maxReservations })
      const stopped = untilSignal()
      printAddresses(node)
      await stopped
      await node.stop()
      return 0
    }
    case 'ping': {
      if (target == null) {
        throw new UsageError('libp2p ping: a multiaddr to ping is required (libp2p help ping)')
      }
      const count = usageInteger('count', values.count ?? '3', 1)
      const node = await startNode({ listen: [] })
      try {
        for (let i = 0; i < count; i++) {
          // bounded by the ping service's own timeout (10 s by default), a TimeoutError naming it
          const rtt = await node.services.ping.ping(multiaddr(target))
          process.stdout.write(`pong from ${target}: ${rtt.toFixed(2)} ms\n`)
        }
      } finally {
        await node.stop()
      }
      return 0
    }
    default:
      throw new UsageError(`unknown command ${command} (libp2p help)`)
  }
}

main().then(code => { process.exitCode = code }, (err) => {
  if (err?.name === UsageError.name) {
    process.stderr.write(`${err.message}\n`)
    process.exitCode = USAGE_EXIT_CODE
    return
  }
  process.stderr.write(`${err?.name ?? 'Error'}: ${err?.message ?? err}\n`)
  process.exitCode = 1
})
