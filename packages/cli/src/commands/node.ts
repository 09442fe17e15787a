import { APP_DIR_NONE } from '../constants.js'
import { runNodeCommand } from '../node-command.js'
import { resolveNodeConfig } from '../node-config.js'
import { CONFIG_FLAG, NODE_SETTINGS, flagName, nodeHelp } from '../node-settings.js'
import { positionals } from './command.js'
import type { Command, CommandOptions } from './command.js'

/** a flag per setting of NODE_SETTINGS, plus the config file and --print-config */
function nodeOptions (): CommandOptions {
  const options: CommandOptions = {
    [CONFIG_FLAG]: { type: 'string' },
    'print-config': { type: 'boolean' }
  }
  for (const s of NODE_SETTINGS) {
    options[flagName(s.key)] = { type: s.type === 'boolean' ? 'boolean' : 'string', multiple: s.type === 'string[]' }
  }
  return options
}

/** `libp2p node [options]`: the settings from flags, config file, environment and defaults, then the node */
export const nodeCommand: Command = {
  name: 'node',
  get help () { return nodeHelp() },
  options: nodeOptions(),
  async run (args, io) {
    positionals('node', args, [])
    const config = await resolveNodeConfig(args.values, io.env)
    if (args.values['print-config'] === true) {
      io.out(JSON.stringify(config, null, 2))
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
        maxConnections: v('maxConnections'),
        inboundConnectionThreshold: v('inboundConnectionThreshold'),
        maxIncomingPendingConnections: v('maxIncomingPendingConnections')
      },
      dhtLan: v('dhtLan'),
      httpListen: v('httpListen'),
      appDir: v('appDir') === APP_DIR_NONE ? undefined : v('appDir') ?? undefined,
      iceServers: v('iceServers'),
      tlsCert: v('tlsCert') ?? undefined,
      tlsKey: v('tlsKey') ?? undefined,
      http: { maxConnections: v('httpMaxConnections'), headersTimeout: v('httpHeadersTimeout'), maxEventClients: v('httpMaxEventClients') },
      out: io.out,
      err: io.err
    })
  }
}
