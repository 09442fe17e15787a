import { CODE_P2P, CODE_P2P_CIRCUIT } from '@multiformats/multiaddr'
import { startClientNode } from '../client-node.js'
import { DEFAULT_CLIENT_RESERVATION_TIMEOUT_MS } from '../constants.js'
import { UsageError } from '../errors.js'
import { loadOrCreateKey } from '../key-file.js'
import { serveEcho } from '../node.js'
import { untilSignal } from '../signals.js'
import { listFlag, positionals, stringFlag, timeoutFlag } from './command.js'
import { multiaddrArg } from './ping.js'
import type { Command, CommandIO } from './command.js'
import type { PrivateKey } from '@libp2p/interface'

/** every transport that listens on its own, on every interface; --listen narrows it (a machine without IPv6, a firewall) */
export const DEFAULT_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/ip6/::/tcp/0', '/ip4/0.0.0.0/tcp/0/ws', '/ip4/0.0.0.0/udp/0/webrtc-direct']

/**
 * `--relay <multiaddr>` as a circuit listen address: the relay's address with its peer id (the
 * reservation is made with that peer), then `/p2p-circuit` (appended unless it is there already)
 */
export function relayListenAddress (text: string): string {
  const ma = multiaddrArg('listen', '--relay', text)
  const parts = ma.getComponents()
  const relayPart = parts.findIndex(p => p.code === CODE_P2P)
  if (relayPart < 0) {
    throw new UsageError(`libp2p listen: --relay ${text} has no /p2p/<relay peer id>: the reservation is made with that peer (libp2p help listen)`)
  }
  const rest = parts.slice(relayPart + 1)
  if (rest.length > 1 || (rest.length === 1 && rest[0].code !== CODE_P2P_CIRCUIT)) {
    throw new UsageError(`libp2p listen: --relay ${text} should end with /p2p/<relay peer id> (libp2p help listen)`)
  }
  return rest.length === 1 ? ma.toString() : `${ma.toString()}/p2p-circuit`
}

/** the identity of `--key <file>` (read or created), or undefined for a fresh one */
export async function keyFlag (file: string | undefined, io: CommandIO): Promise<PrivateKey | undefined> {
  if (file == null) { return undefined }
  const key = await loadOrCreateKey(file)
  if (key.created) { io.err(`created identity ${file}`) }
  if (key.exposed) { io.err(`warning: ${file} can be read by other users (chmod 600 it)`) }
  return key.privateKey
}

export const listenCommand: Command = {
  name: 'listen',
  help: `usage: libp2p listen [--listen <ma>]... [--relay <multiaddr>]... [--key <file>] [--timeout <ms>]

run a node (TCP, WebSockets, WebRTC-Direct and circuit relay; Noise, Yamux, identify, ping,
/echo/1.0.0) until Ctrl-C, printing its peer id, one "listening on <multiaddr>" line per address
and "connected: <peer id>" per peer that connects
  --listen <ma>...        listen addresses (default ${DEFAULT_LISTEN.join(' ')})
  --relay <multiaddr>...  also reserve a slot on this relay (<address>/p2p/<relay peer id>) and
                          listen through it: its "listening on <relay>/p2p-circuit/p2p/<self>"
                          lines are the addresses others dial; the reservation is kept (and
                          refreshed) until Ctrl-C
  --key <file>            the identity: read, or created (Ed25519, mode 0600) when missing
  --timeout <ms>          how long each reservation request may take (default ${DEFAULT_CLIENT_RESERVATION_TIMEOUT_MS})

Exit code 0 after Ctrl-C, 1 when an address cannot be listened on or a reservation is refused.
`,
  options: {
    listen: { type: 'string', multiple: true },
    relay: { type: 'string', multiple: true },
    key: { type: 'string' },
    timeout: { type: 'string' }
  },
  async run (args, io) {
    positionals('listen', args, [])
    const listen = listFlag(args, 'listen')
    const relays = listFlag(args, 'relay').map(relayListenAddress)
    const reservationTimeout = timeoutFlag(args, DEFAULT_CLIENT_RESERVATION_TIMEOUT_MS)
    const privateKey = await keyFlag(stringFlag(args, 'key'), io)
    if (relays.length > 0) { io.progress.show(`reserving a slot on ${relays.length === 1 ? relays[0] : `${relays.length} relays`}...`) }
    let node
    try {
      // the node's start waits for every reservation; a refused one fails it
      node = await startClientNode({ privateKey, listen: [...(listen.length > 0 ? listen : DEFAULT_LISTEN), ...relays], reservationTimeout })
    } finally {
      io.progress.clear()
    }
    await serveEcho(node)
    const stopped = untilSignal()
    io.out(`peer id ${node.peerId.toString()}`)
    let shown = node.getMultiaddrs().map(String)
    for (const ma of shown) { io.out(`listening on ${ma}`) }
    // a reservation that is refreshed, replaced or lost changes the addresses: say which
    const onUpdate = (): void => {
      const now = node.getMultiaddrs().map(String)
      for (const ma of now.filter(a => !shown.includes(a))) { io.out(`listening on ${ma}`) }
      for (const ma of shown.filter(a => !now.includes(a))) { io.out(`no longer listening on ${ma}`) }
      shown = now
    }
    node.addEventListener('self:peer:update', onUpdate)
    node.addEventListener('peer:connect', (evt) => { io.out(`connected: ${evt.detail.toString()}`) })
    await stopped
    // stopping withdraws every address: that is not news
    node.removeEventListener('self:peer:update', onUpdate)
    await node.stop()
    return 0
  }
}
