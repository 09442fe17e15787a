import { demo } from '../demo.js'
import { positionals } from './command.js'
import type { Command } from './command.js'

export const demoCommand: Command = {
  name: 'demo',
  help: `usage: libp2p demo

two nodes on loopback: dial, identify, ping, echo
`,
  options: {},
  async run (args, io) {
    positionals('demo', args, [])
    await demo(io.out)
    return 0
  }
}
