import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { MAX_ICE_SERVERS, iceServerFromUrl } from '@libp2p/app-rendezvous'
import {
  APP_DIR_NONE, BUNDLED_APP_DIR, DEFAULT_DATA_DIR, DEFAULT_NODE_CIRCUIT_DATA_LIMIT, DEFAULT_NODE_CIRCUIT_DURATION_LIMIT_MS, DEFAULT_NODE_INBOUND_CONNECTION_THRESHOLD, DEFAULT_NODE_MAX_CIRCUITS,
  DEFAULT_NODE_MAX_CIRCUITS_PER_PEER, DEFAULT_NODE_MAX_CONNECTIONS, DEFAULT_NODE_MAX_INCOMING_PENDING_CONNECTIONS, DEFAULT_NODE_MAX_RESERVATIONS,
  DEFAULT_NODE_MAX_RESERVATIONS_PER_IP, DEFAULT_NODE_RESERVATION_TTL_MS
} from './constants.js'
import { DEFAULT_HTTP_HEADERS_TIMEOUT_MS, DEFAULT_HTTP_LISTEN, DEFAULT_HTTP_MAX_CONNECTIONS, DEFAULT_HTTP_MAX_EVENT_CLIENTS, HTTP_LISTEN_NONE } from './http/constants.js'
import { DEFAULT_NODE_LISTEN } from './relay.js'

/** every URL of the `iceServers` setting parses (iceServerFromUrl) and there are not too many */
function checkIceServers (urls: string[]): string | undefined {
  if (urls.length > MAX_ICE_SERVERS) { return `at most ${MAX_ICE_SERVERS} ICE servers, got ${urls.length}` }
  for (const url of urls) {
    try {
      iceServerFromUrl(url)
    } catch (err: any) {
      return err.message
    }
  }
  return undefined
}

/** the rendezvous app's built bundle, when this checkout has one */
function bundledAppDir (): string | undefined {
  return existsSync(join(BUNDLED_APP_DIR, 'index.html')) ? BUNDLED_APP_DIR : undefined
}

/**
 * The one schema of `libp2p node`'s settings. Each entry is written once here and drives the flag
 * parser, the config file's keys, the LIBP2P_* environment names, `--help`, `--print-config` and
 * the validation of every source, so the four can never disagree.
 */

export type SettingType = 'string' | 'string[]' | 'integer' | 'boolean'

interface SettingBase<T extends SettingType, V> {
  /** the config file key; the flag and the environment name derive from it */
  key: string
  type: T
  /** undefined: unset unless a source gives it (e.g. the key file, which otherwise lives in the data directory) */
  default?: V
  /** what --help shows after the flag */
  arg?: string
  description: string
  /** a check beyond the type (the value's syntax): what is wrong, or undefined when it is fine */
  check?(value: V): string | undefined
}

export interface IntegerSetting extends SettingBase<'integer', number> {
  min: number
  max: number
}

export type Setting =
  SettingBase<'string', string> |
  SettingBase<'string[]', string[]> |
  IntegerSetting |
  SettingBase<'boolean', boolean>

// setTimeout holds at most 2^31 - 1 ms: a longer duration would fire at once
const MAX_TIMER_MS = 2_147_483_647

export const NODE_SETTINGS: readonly Setting[] = [
  { key: 'dataDir', type: 'string', arg: '<dir>', default: DEFAULT_DATA_DIR, description: 'state: the LevelDB datastore and the identity key (relative to the working directory)' },
  { key: 'key', type: 'string', arg: '<file>', description: 'the identity key file instead of <dataDir>/identity.key (created when missing)' },
  { key: 'listen', type: 'string[]', arg: '<ma>', default: DEFAULT_NODE_LISTEN, description: 'listen addresses (TCP, WebSockets, WebRTC-Direct on UDP)' },
  { key: 'announce', type: 'string[]', arg: '<ma>', default: [], description: 'announce these instead of the listen addresses (the public address behind NAT or a proxy)' },
  { key: 'tlsCert', type: 'string', arg: '<file>', description: 'with --tls-key: the certificate (chain), PEM, of the WebSockets listeners, which then serve wss (a /ws listen address listens as /tls/ws)' },
  { key: 'tlsKey', type: 'string', arg: '<file>', description: 'with --tls-cert: the certificate\'s private key, PEM, unencrypted' },
  { key: 'maxReservations', type: 'integer', arg: '<n>', default: DEFAULT_NODE_MAX_RESERVATIONS, min: 1, max: 1_000_000, description: 'relay reservations held at once' },
  { key: 'maxReservationsPerIp', type: 'integer', arg: '<n>', default: DEFAULT_NODE_MAX_RESERVATIONS_PER_IP, min: 1, max: 1_000_000, description: 'relay reservations from one IP address at once' },
  { key: 'reservationTtl', type: 'integer', arg: '<ms>', default: DEFAULT_NODE_RESERVATION_TTL_MS, min: 1000, max: MAX_TIMER_MS, description: 'how long a reservation lasts, in ms' },
  { key: 'maxCircuits', type: 'integer', arg: '<n>', default: DEFAULT_NODE_MAX_CIRCUITS, min: 1, max: 1_000_000, description: 'relayed circuits open at once' },
  { key: 'maxCircuitsPerPeer', type: 'integer', arg: '<n>', default: DEFAULT_NODE_MAX_CIRCUITS_PER_PEER, min: 1, max: 1_000_000, description: 'circuits one peer is part of at once' },
  { key: 'circuitDurationLimit', type: 'integer', arg: '<ms>', default: DEFAULT_NODE_CIRCUIT_DURATION_LIMIT_MS, min: 1000, max: MAX_TIMER_MS, description: 'how long one circuit may last, in ms (sent to peers in whole seconds)' },
  { key: 'circuitDataLimit', type: 'integer', arg: '<bytes>', default: DEFAULT_NODE_CIRCUIT_DATA_LIMIT, min: 1, max: Number.MAX_SAFE_INTEGER, description: 'bytes one circuit may carry in each direction' },
  { key: 'maxConnections', type: 'integer', arg: '<n>', default: DEFAULT_NODE_MAX_CONNECTIONS, min: 1, max: 1_000_000, description: 'connections open at once (the connection manager\'s limit)' },
  { key: 'inboundConnectionThreshold', type: 'integer', arg: '<n>', default: DEFAULT_NODE_INBOUND_CONNECTION_THRESHOLD, min: 1, max: 1_000_000, description: 'new inbound connections one IP address may open per second; more are refused at once' },
  { key: 'maxIncomingPendingConnections', type: 'integer', arg: '<n>', default: DEFAULT_NODE_MAX_INCOMING_PENDING_CONNECTIONS, min: 1, max: 100_000, description: 'inbound connections still in their handshakes (upgrading) at once; more are refused at once' },
  { key: 'dhtLan', type: 'boolean', default: false, description: 'keep private and loopback addresses in the DHT (a LAN or test network); otherwise only public ones' },
  { key: 'httpListen', type: 'string', arg: '<ma>', default: DEFAULT_HTTP_LISTEN, description: `the HTTP server of the status page, /health and /metrics: /ip4/<ip>/tcp/<port>, /ip6/<ip>/tcp/<port>, or ${HTTP_LISTEN_NONE}` },
  { key: 'httpMaxConnections', type: 'integer', arg: '<n>', default: DEFAULT_HTTP_MAX_CONNECTIONS, min: 1, max: 100_000, description: 'sockets the HTTP server keeps open at once' },
  { key: 'httpHeadersTimeout', type: 'integer', arg: '<ms>', default: DEFAULT_HTTP_HEADERS_TIMEOUT_MS, min: 100, max: 600_000, description: 'how long an HTTP client may take to send its request headers, in ms' },
  { key: 'httpMaxEventClients', type: 'integer', arg: '<n>', default: DEFAULT_HTTP_MAX_EVENT_CLIENTS, min: 1, max: 10_000, description: 'status pages following live updates (/events) at once' },
  { key: 'iceServers', type: 'string[]', arg: '<url>', default: [], check: checkIceServers, description: `STUN/TURN servers for the app's pages, in /app/config.json (at most ${MAX_ICE_SERVERS}): stun:<host>[:<port>], turn:[<user>:<password>@]<host>[:<port>][?transport=tcp], stuns:, turns:` },
  { key: 'appDir', type: 'string', arg: '<dir>', default: bundledAppDir(), description: `serve this directory's files at /app/ on the HTTP server (default: the rendezvous app when this checkout has built it), or ${APP_DIR_NONE}` }
]

/** `maxReservationsPerIp` -> `max-reservations-per-ip` */
export function flagName (key: string): string {
  return key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)
}

/** `maxReservationsPerIp` -> `LIBP2P_MAX_RESERVATIONS_PER_IP` */
export function envName (key: string): string {
  return `LIBP2P_${flagName(key).replace(/-/g, '_').toUpperCase()}`
}

/** the flag and environment variable that name the config file (it cannot name itself) */
export const CONFIG_FLAG = 'config'
export const CONFIG_ENV = 'LIBP2P_CONFIG'

/** `libp2p node --help`, generated from NODE_SETTINGS */
export function nodeHelp (): string {
  const lines = [
    'usage: libp2p node [options]',
    '',
    'The public node: circuit relay v2 server and Kademlia DHT server over TCP, WebSockets (wss with',
    '--tls-cert/--tls-key) and WebRTC-Direct, state kept in a data directory (the WebRTC-Direct',
    'certificate too), until SIGINT/SIGTERM. Each setting comes from its flag, else the config file,',
    'else its environment variable, else the default. Lists: repeat the flag; comma-separated in the',
    'environment; a JSON array in the config file.',
    '',
    'options:'
  ]
  const show = (value: unknown): string => Array.isArray(value) ? value.join(' ') : String(value)
  for (const s of NODE_SETTINGS) {
    const flag = `--${flagName(s.key)}${s.arg != null ? ` ${s.arg}` : ''}${s.type === 'string[]' ? '...' : ''}`
    const range = s.type === 'integer' ? ` (${s.min} to ${s.max})` : ''
    const def = s.default != null && show(s.default) !== '' ? ` [default ${show(s.default)}]` : ''
    lines.push(`  ${flag.padEnd(32)} ${s.description}${range}${def}`)
    lines.push(`  ${''.padEnd(32)} config key "${s.key}", env ${envName(s.key)}`)
  }
  lines.push(`  ${'--config <file>'.padEnd(32)} a JSON object of the keys above (env ${CONFIG_ENV})`)
  lines.push(`  ${'--print-config'.padEnd(32)} print the effective settings and where each came from, as JSON, and exit`)
  lines.push(`  ${'-h, --help'.padEnd(32)} this text`)
  return lines.join('\n') + '\n'
}
