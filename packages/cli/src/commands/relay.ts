import { DEFAULT_RELAY_LISTEN, startRelay } from '../relay.js'
import { untilSignal } from '../signals.js'
import { readTlsFiles } from '../tls.js'
import { listFlag, positionals, stringFlag, usageInteger } from './command.js'
import { keyFlag } from './listen.js'
import type { Command } from './command.js'

export const relayCommand: Command = {
  name: 'relay',
  help: `usage: libp2p relay [options]

run a public circuit relay v2 node (TCP + WebSockets) until Ctrl-C
  --listen <ma>...        listen addresses (default ${DEFAULT_RELAY_LISTEN.join(' ')})
  --announce <ma>...      announce these instead (the public address behind NAT)
  --key <file>            the identity: read, or created (Ed25519, mode 0600) when missing;
                          without it the peer id changes on every start
  --max-reservations <n>  reservations held at once (default 15)
  --tls-cert <file>       with --tls-key: the certificate (chain), PEM, of the WebSockets
                          listeners, which then serve wss (a /ws listen address listens as /tls/ws)
  --tls-key <file>        with --tls-cert: the certificate's private key, PEM, unencrypted
`,
  options: {
    listen: { type: 'string', multiple: true },
    announce: { type: 'string', multiple: true },
    key: { type: 'string' },
    'max-reservations': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' }
  },
  async run (args, io) {
    positionals('relay', args, [])
    const maxReservationsFlag = stringFlag(args, 'max-reservations')
    const maxReservations = maxReservationsFlag != null ? usageInteger('max-reservations', maxReservationsFlag, 1) : undefined
    // unreadable or mismatched TLS files fail before anything starts, naming the file
    const tls = await readTlsFiles(stringFlag(args, 'tls-cert'), stringFlag(args, 'tls-key'))
    const privateKey = await keyFlag(stringFlag(args, 'key'), io)
    const listen = listFlag(args, 'listen')
    const announce = listFlag(args, 'announce')
    const node = await startRelay({ privateKey, listen: listen.length > 0 ? listen : undefined, announce: announce.length > 0 ? announce : undefined, maxReservations, tls })
    const stopped = untilSignal()
    io.out(`peer id ${node.peerId.toString()}`)
    if (tls != null) { io.out(`wss certificate for ${tls.names}, valid until ${tls.validTo.toISOString()}`) }
    if (tls?.warning != null) { io.err(`warning: ${tls.warning}`) }
    for (const ma of node.getMultiaddrs()) { io.out(`listening on ${ma.toString()}`) }
    await stopped
    await node.stop()
    return 0
  }
}
