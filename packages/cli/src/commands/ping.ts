import { multiaddr } from '@multiformats/multiaddr'
import { startClientNode } from '../client-node.js'
import { DEFAULT_CLIENT_PING_TIMEOUT_MS } from '../constants.js'
import { UsageError } from '../errors.js'
import { positionals, stringFlag, timeoutFlag, usageInteger } from './command.js'
import type { Command } from './command.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/** a multiaddr from the command line, or a UsageError saying what is wrong with it */
export function multiaddrArg (command: string, what: string, text: string): Multiaddr {
  try {
    return multiaddr(text)
  } catch (err: any) {
    throw new UsageError(`libp2p ${command}: ${what} ${text} is not a multiaddr: ${err.message}`)
  }
}

export const pingCommand: Command = {
  name: 'ping',
  help: `usage: libp2p ping <multiaddr> [--count N] [--timeout <ms>] [--json]

ping a peer N times, over any transport: TCP, WebSockets (ws, wss), WebRTC-Direct, or a relay
(<relay address>/p2p-circuit/p2p/<peer>)
  --count <n>             how many pings, a whole number from 1 (default 3)
  --timeout <ms>          how long each ping (with the dial before the first) may take (default ${DEFAULT_CLIENT_PING_TIMEOUT_MS})
  --json                  one line per pong: {"from": <multiaddr>, "rtt": <ms>}

Exit code 0 when every ping was answered, 1 when one failed (the error's name and message on stderr).
`,
  options: {
    count: { type: 'string' },
    timeout: { type: 'string' },
    json: { type: 'boolean' }
  },
  async run (args, io) {
    const [target] = positionals('ping', args, ['a multiaddr to ping'])
    const ma = multiaddrArg('ping', 'the address', target)
    const count = usageInteger('count', stringFlag(args, 'count') ?? '3', 1)
    const timeout = timeoutFlag(args, DEFAULT_CLIENT_PING_TIMEOUT_MS)
    const node = await startClientNode({ pingTimeout: timeout })
    try {
      for (let i = 0; i < count; i++) {
        io.progress.show(`pinging ${target} (${i + 1}/${count})`)
        // bounded by the ping service's timeout, --timeout here: a TimeoutError naming it
        const rtt = await node.services.ping.ping(ma)
        if (args.values.json === true) {
          io.out(JSON.stringify({ from: target, rtt: Number(rtt.toFixed(3)) }))
        } else {
          io.out(`pong from ${target}: ${rtt.toFixed(2)} ms`)
        }
      }
    } finally {
      io.progress.clear()
      await node.stop()
    }
    return 0
  }
}
