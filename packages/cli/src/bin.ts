#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_DATA_DIR, DEFAULT_NODE_MAX_RESERVATIONS } from './constants.js'
import { demo } from './demo.js'
import { integerFlag } from './flags.js'
import { loadOrCreateKey } from './key-file.js'
import { runNodeCommand } from './node-command.js'
import { startNode } from './node.js'
import { runPerfCommand } from './perf.js'
import { DEFAULT_RELAY_LISTEN, startRelay } from './relay.js'
import { untilSignal } from './signals.js'
import type { Libp2p } from 'libp2p'

const USAGE = `usage: libp2p <command> [options]   (also installed as libp2p-node)

commands:
  node [options]               the public node: circuit relay v2 server and Kademlia DHT server over
                               TCP + WebSockets, state kept in a data directory, until SIGINT/SIGTERM
      --data-dir <dir>           state: LevelDB datastore and identity key (default ./${DEFAULT_DATA_DIR})
      --key <file>               the identity instead of <dir>/identity.key (created when missing)
      --listen <ma>...           listen addresses (default ${DEFAULT_RELAY_LISTEN.join(' ')})
      --announce <ma>...         announce these instead (the public address behind NAT)
      --max-reservations <N>     relay reservations held at once (default ${DEFAULT_NODE_MAX_RESERVATIONS})
      --dht-lan                  keep private and loopback addresses in the DHT (a LAN or test network)
  demo                         two nodes on loopback: dial, identify, ping, echo
  listen [--listen <ma>]...    run a node (TCP, Noise, Yamux, identify, ping, /echo/1.0.0) until Ctrl-C
  ping <multiaddr> [--count N] ping a peer N times (default 3)
  relay [options]              run a public circuit relay v2 node (TCP + WebSockets) until Ctrl-C
      --listen <ma>...           listen addresses (default ${DEFAULT_RELAY_LISTEN.join(' ')})
      --announce <ma>...         announce these instead (the public address behind NAT)
      --key <file>               the identity: read, or created (Ed25519, mode 0600) when missing;
                                 without it the peer id changes on every start
      --max-reservations <N>     reservations held at once (default 15)
  perf [options]               the libp2p/test-plans perf command (libp2p perf --help)
`

function printAddresses (node: Libp2p): void {
  process.stdout.write(`peer id ${node.peerId.toString()}\n`)
  for (const ma of node.getMultiaddrs()) { process.stdout.write(`listening on ${ma.toString()}\n`) }
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
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      listen: { type: 'string', multiple: true },
      announce: { type: 'string', multiple: true },
      key: { type: 'string' },
      'max-reservations': { type: 'string' },
      'data-dir': { type: 'string' },
      'dht-lan': { type: 'boolean' },
      count: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  const [command, target] = positionals
  if (values.help === true || command == null) {
    process.stdout.write(USAGE)
    return command == null && values.help !== true ? 1 : 0
  }
  switch (command) {
    case 'demo':
      await demo(line => { process.stdout.write(line + '\n') })
      return 0
    case 'node': {
      const maxReservations = values['max-reservations'] != null ? integerFlag('max-reservations', values['max-reservations'], 1) : undefined
      return runNodeCommand({
        dataDir: values['data-dir'],
        key: values.key,
        listen: values.listen,
        announce: values.announce,
        maxReservations,
        dhtLan: values['dht-lan'],
        out: (line) => { process.stdout.write(line + '\n') },
        err: (line) => { process.stderr.write(line + '\n') }
      })
    }
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
      const maxReservations = values['max-reservations'] != null ? integerFlag('max-reservations', values['max-reservations'], 1) : undefined
      const node = await startRelay({ privateKey, listen: values.listen, announce: values.announce, maxReservations })
      const stopped = untilSignal()
      printAddresses(node)
      await stopped
      await node.stop()
      return 0
    }
    case 'ping': {
      if (target == null) {
        process.stderr.write(USAGE)
        return 1
      }
      const count = integerFlag('count', values.count, 1)
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
      process.stderr.write(`unknown command ${command}\n${USAGE}`)
      return 1
  }
}

main().then(code => { process.exitCode = code }, (err) => {
  process.stderr.write(`${err?.name ?? 'Error'}: ${err?.message ?? err}\n`)
  process.exitCode = 1
})
