import { generateKeyPair } from '@libp2p/crypto/keys'
import { NotFoundError } from '@libp2p/interface'
import { EventTypes, MessageType, signIpnsRecord } from '@libp2p/kad-dht'
import { withTimeout } from '@libp2p/utils'
import { startDhtClientNode } from '../client-node.js'
import { DEFAULT_CLIENT_DHT_TIMEOUT_MS, DEFAULT_DHT_PUT_LIFETIME_MS, DEFAULT_DHT_PUT_TTL_MS } from '../constants.js'
import { UsageError } from '../errors.js'
import { listFlag, positionals, stringFlag, timeoutFlag, usageInteger } from './command.js'
import { reachBootstrap } from './dht-bootstrap.js'
import { cidArg, describeRecord, peerArg, recordName } from './dht-values.js'
import { keyFlag } from './listen.js'
import { multiaddrArg } from './ping.js'
import type { Command, CommandIO, CommandOptions, ParsedArgs } from './command.js'
import type { DhtClientNode } from '../client-node.js'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { QueryEvent } from '@libp2p/kad-dht'

/** IPNS records are at most 10 KiB (spec); the signature, fields and framing take the rest */
const MAX_PUT_VALUE_BYTES = 8 * 1024

/** the environment variable that lists bootstrap peers (comma-separated) when no --bootstrap is given */
export const BOOTSTRAP_ENV = 'LIBP2P_BOOTSTRAP'

const COMMON_OPTIONS: CommandOptions = {
  bootstrap: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  json: { type: 'boolean' }
}

const COMMON_HELP = `  --bootstrap <multiaddr>...  DHT server(s) to start from, e.g. a libp2p node (default: the
                          comma-separated list in ${BOOTSTRAP_ENV}); any transport
  --timeout <ms>          how long reaching them and the query may take (default ${DEFAULT_CLIENT_DHT_TIMEOUT_MS})
  --json                  one JSON object on stdout instead of text

Exit code 0 when found (or stored), 1 when not found or the query failed (the error's name and
message on stderr), 2 on a usage error.
`

/** what a subcommand does with the DHT client once it has reached the bootstrap peers */
type Query = (node: DhtClientNode, io: CommandIO, signal: AbortSignal, privateKey: PrivateKey) => Promise<void>

/** reads a subcommand's arguments (usage errors before anything starts) and gives its query */
type Prepare = (args: ParsedArgs) => Query

/**
 * Runs the DHT client: reaches the bootstrap peers (one serving the DHT is enough), then the
 * query, all within --timeout. A TTY shows how the query goes on stderr.
 */
async function withDht (args: ParsedArgs, io: CommandIO, query: Query): Promise<number> {
  let bootstrap = listFlag(args, 'bootstrap')
  if (bootstrap.length === 0) { bootstrap = (io.env[BOOTSTRAP_ENV] ?? '').split(',').map(s => s.trim()).filter(s => s !== '') }
  if (bootstrap.length === 0) {
    throw new UsageError(`libp2p dht: no bootstrap peer: give --bootstrap <multiaddr> or set ${BOOTSTRAP_ENV} (libp2p help dht)`)
  }
  const addrs = bootstrap.map(a => multiaddrArg('dht', '--bootstrap', a))
  const timeout = timeoutFlag(args, DEFAULT_CLIENT_DHT_TIMEOUT_MS)
  // the node's identity is the one put signs with and provide announces
  const privateKey = await keyFlag(stringFlag(args, 'key'), io) ?? await generateKeyPair('Ed25519')
  const node = await startDhtClientNode({ privateKey })
  const deadline = withTimeout(timeout, 'the DHT query (libp2p dht --timeout)')
  try {
    await reachBootstrap(node, addrs, io, deadline.signal)
    await query(node, io, deadline.signal, privateKey)
    return 0
  } finally {
    deadline.done()
    io.progress.clear()
    await node.stop()
  }
}

/** counts a query's events into the progress line, and hands each to `each` */
async function run (label: string, events: AsyncIterable<QueryEvent>, io: CommandIO, each: (event: QueryEvent) => void): Promise<void> {
  const asked = new Set<string>()
  let answered = 0
  let failed = 0
  for await (const event of events) {
    if (event.type === EventTypes.SEND_QUERY) { asked.add(event.to.toString()) }
    if (event.type === EventTypes.PEER_RESPONSE) { answered++ }
    if (event.type === EventTypes.QUERY_ERROR) { failed++ }
    io.progress.show(`${label}: asked ${asked.size} peer(s), ${answered} answered, ${failed} failed`)
    each(event)
  }
  io.progress.clear()
}

/** the peers that confirmed a store (`put`, `provide`); none is a failure, with the first error seen */
async function storeOn (label: string, kind: MessageType, events: AsyncIterable<QueryEvent>, io: CommandIO): Promise<PeerId[]> {
  const stored: PeerId[] = []
  let firstError: Error | undefined
  await run(label, events, io, event => {
    if (event.type === EventTypes.PEER_RESPONSE && event.messageType === kind) { stored.push(event.from) }
    if (event.type === EventTypes.QUERY_ERROR) { firstError ??= event.error }
  })
  if (stored.length === 0) { throw firstError ?? new NotFoundError(`${label}: no DHT server was found to store it on`) }
  return stored
}

function subcommand (name: string, usage: string, about: string, options: CommandOptions, prepare: Prepare): Command {
  return {
    name: `dht ${name}`,
    help: `usage: libp2p dht ${name} ${usage}\n\n${about}\n${COMMON_HELP}`,
    options: { ...COMMON_OPTIONS, ...options },
    run: async (args, io) => withDht(args, io, prepare(args))
  }
}

const put = subcommand('put', '<value> [--key <file>] [--sequence <n>] [--lifetime <ms>] [--bootstrap <multiaddr>]... [--timeout <ms>] [--json]',
`store <value> (text) under an IPNS name: an IPNS record signed by the identity, put on the
DHT servers closest to /ipns/<its peer id>; prints the name that "libp2p dht get" reads. DHT
servers store only /ipns/ and /pk/ records, so that is what a value is stored as (IPNS resolvers
expect a path such as /ipfs/<cid> as the value; this command stores any text up to 8 KiB).
  --key <file>            the identity whose name it is: read, or created (Ed25519, mode 0600);
                          without it a fresh key, so the name is new and cannot be updated later
  --sequence <n>          the record's sequence number, higher replaces lower (default: the
                          current time in ms, so a later put from the same key wins)
  --lifetime <ms>         how long the record stays valid (default ${DEFAULT_DHT_PUT_LIFETIME_MS})`,
{ key: { type: 'string' }, sequence: { type: 'string' }, lifetime: { type: 'string' } },
(args) => {
  const [value] = positionals('dht put', args, ['a value'])
  const bytes = new TextEncoder().encode(value)
  if (bytes.length > MAX_PUT_VALUE_BYTES) { throw new UsageError(`libp2p dht put: the value is ${bytes.length} bytes, more than ${MAX_PUT_VALUE_BYTES}`) }
  const sequence = BigInt(usageInteger('sequence', stringFlag(args, 'sequence') ?? String(Date.now()), 0))
  const lifetime = usageInteger('lifetime', stringFlag(args, 'lifetime') ?? String(DEFAULT_DHT_PUT_LIFETIME_MS), 1)
  return async (node, io, signal, privateKey) => {
    const name = recordName('dht put', node.peerId.toString())
    const record = await signIpnsRecord(privateKey, bytes, { sequence, lifetime, ttl: DEFAULT_DHT_PUT_TTL_MS })
    const stored = await storeOn('dht put', MessageType.PUT_VALUE, node.services.dht.put(name.key, record, { signal }), io)
    if (args.values.json === true) {
      io.out(JSON.stringify({ key: name.text, sequence: sequence.toString(), storedOn: stored.map(String) }))
    } else {
      io.out(name.text)
      io.err(`stored on ${stored.length} peer(s)`)
    }
  }
})

const get = subcommand('get', '<name> [--bootstrap <multiaddr>]... [--timeout <ms>] [--json]',
`print the value stored under <name>: /ipns/<peer id> (or just <peer id>): the IPNS record's
value; /pk/<peer id>: that peer's public key (multibase base64). --json adds the IPNS record's
sequence, validity (its EOL) and ttl (ms), and the peer that answered.`,
{},
(args) => {
  const [text] = positionals('dht get', args, ['a name'])
  const name = recordName('dht get', text)
  return async (node, io, signal) => {
    let found: { value: Uint8Array, from: PeerId } | undefined
    await run('dht get', node.services.dht.get(name.key, { signal }), io, event => {
      if (event.type === EventTypes.VALUE) { found = { value: event.value, from: event.from } }
    })
    if (found == null) { throw new NotFoundError(`no DHT server had a record for ${name.text}`) }
    const record = describeRecord(name, found.value)
    io.out(args.values.json === true ? JSON.stringify({ ...record, from: found.from.toString() }) : record.value)
  }
})

const provide = subcommand('provide', '<cid> [--key <file>] [--bootstrap <multiaddr>]... [--timeout <ms>] [--json]',
`announce this client's peer id as a provider of <cid> to the DHT servers closest to it (the
record lives 48 h on them). This client listens nowhere, so the record carries its peer id
without addresses: give --key to announce a lasting identity, e.g. that of a "libp2p listen".
  --key <file>            the identity to announce: read, or created (Ed25519, mode 0600)`,
{ key: { type: 'string' } },
(args) => {
  const [text] = positionals('dht provide', args, ['a CID'])
  const cid = cidArg('dht provide', text)
  return async (node, io, signal) => {
    const stored = await storeOn('dht provide', MessageType.ADD_PROVIDER, node.services.dht.provide(cid, { signal }), io)
    if (args.values.json === true) {
      io.out(JSON.stringify({ cid: cid.toString(), provider: node.peerId.toString(), storedOn: stored.map(String) }))
    } else {
      io.out(`provided ${cid.toString()} as ${node.peerId.toString()} to ${stored.length} peer(s)`)
    }
  }
})

const findProviders = subcommand('find-providers', '<cid> [--bootstrap <multiaddr>]... [--timeout <ms>] [--json]',
  'print the providers of <cid>, one line each: the peer id, then its addresses (when known)',
  {},
  (args) => {
    const [text] = positionals('dht find-providers', args, ['a CID'])
    const cid = cidArg('dht find-providers', text)
    return async (node, io, signal) => {
      const providers = new Map<string, string[]>()
      await run('dht find-providers', node.services.dht.findProviders(cid, { signal }), io, event => {
        if (event.type !== EventTypes.PROVIDER) { return }
        for (const p of event.providers) { providers.set(p.id.toString(), p.multiaddrs.map(String)) }
      })
      if (providers.size === 0) { throw new NotFoundError(`no provider of ${cid.toString()} was found`) }
      if (args.values.json === true) {
        io.out(JSON.stringify({ cid: cid.toString(), providers: [...providers].map(([id, multiaddrs]) => ({ id, multiaddrs })) }))
      } else {
        for (const [id, multiaddrs] of providers) { io.out([id, ...multiaddrs].join(' ')) }
      }
    }
  })

const findPeer = subcommand('find-peer', '<peer id> [--bootstrap <multiaddr>]... [--timeout <ms>] [--json]',
`print the addresses of <peer id>, one per line, as DHT servers know them (a server returns a
peer it is connected to, e.g. one holding a reservation on it, even when that peer is a client)`,
{},
(args) => {
  const [text] = positionals('dht find-peer', args, ['a peer id'])
  const peer = peerArg('dht find-peer', text)
  return async (node, io, signal) => {
    let multiaddrs: string[] | undefined
    await run('dht find-peer', node.services.dht.findPeer(peer, { signal }), io, event => {
      if (event.type === EventTypes.FINAL_PEER && event.peer.id.equals(peer) && event.peer.multiaddrs.length > 0) {
        multiaddrs = event.peer.multiaddrs.map(String)
      }
    })
    if (multiaddrs == null) { throw new NotFoundError(`no DHT server knew addresses of ${peer.toString()}`) }
    if (args.values.json === true) {
      io.out(JSON.stringify({ id: peer.toString(), multiaddrs }))
    } else {
      for (const ma of multiaddrs) { io.out(ma) }
    }
  }
})

/** `libp2p dht <subcommand>` */
export const DHT_COMMANDS: Record<string, Command> = {
  put, get, provide, 'find-providers': findProviders, 'find-peer': findPeer
}

export const DHT_HELP = `usage: libp2p dht <get|put|provide|find-providers|find-peer> ... --bootstrap <multiaddr>

query the Kademlia DHT (/ipfs/kad/1.0.0) as a client, starting from bootstrap peers (--bootstrap,
repeatable, or ${BOOTSTRAP_ENV}); libp2p dht <subcommand> --help for each
  put <value>             store a value under this identity's IPNS name, print the name
  get <name>              print the value under /ipns/<peer id> (or /pk/<peer id>)
  provide <cid>           announce this peer as a provider of a CID
  find-providers <cid>    print the providers of a CID
  find-peer <peer id>     print a peer's addresses
`
