#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { multiaddr } from '@multiformats/multiaddr'
import { demo } from './demo.js'
import { startNode } from './node.js'

const USAGE = `usage: libp2p-node <command> [options]

commands:
  demo                         two nodes on loopback: dial, identify, ping, echo
  listen [--listen <ma>]...    run a node (TCP, Noise, Yamux, identify, ping, /echo/1.0.0) until Ctrl-C
  ping <multiaddr> [--count N] ping a peer N times (default 3)
`

async function main (): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      listen: { type: 'string', multiple: true },
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
    case 'listen': {
      const node = await startNode({ listen: values.listen ?? ['/ip4/0.0.0.0/tcp/0', '/ip6/::/tcp/0'] })
      process.stdout.write(`peer id ${node.peerId.toString()}\n`)
      for (const ma of node.getMultiaddrs()) { process.stdout.write(`listening on ${ma.toString()}\n`) }
      node.addEventListener('peer:connect', (evt) => { process.stdout.write(`connected: ${evt.detail.toString()}\n`) })
      await new Promise<void>(resolve => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
      await node.stop()
      return 0
    }
    case 'ping': {
      if (target == null) {
        process.stderr.write(USAGE)
        return 1
      }
      const node = await startNode({ listen: [] })
      try {
        for (let i = 0; i < Number(values.count); i++) {
          const rtt = await node.services.ping.ping(multiaddr(target), { signal: AbortSignal.timeout(10_000) })
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
