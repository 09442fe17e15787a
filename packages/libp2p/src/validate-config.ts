import { option, validateInit } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2pInit } from './config.js'
import type { InitSchema, OptionRule } from '@libp2p/utils'

/** a multiaddr string (parsed to check it) */
const multiaddrString: OptionRule = option.allOf(option.string(), option.custom((value) => {
  try {
    multiaddr(value as string)
    return undefined
  } catch (err: any) {
    return `is not a multiaddr: ${String(err.message)}`
  }
}))

/** an object with these methods (own properties or inherited): the datastore, the logger */
function hasMethods (what: string, ...names: string[]): OptionRule {
  return option.custom((value) => {
    if (typeof value !== 'object' || value === null) { return `must be ${what}` }
    const missing = names.filter(n => typeof (value as Record<string, unknown>)[n] !== 'function')
    return missing.length === 0 ? undefined : `must be ${what} (no ${missing.join(', ')} method)`
  })
}

const GATER_METHODS = [
  'denyDialPeer', 'denyDialMultiaddr', 'denyInboundConnection', 'denyOutboundConnection',
  'denyInboundEncryptedConnection', 'denyOutboundEncryptedConnection', 'denyInboundUpgradedConnection',
  'denyOutboundUpgradedConnection', 'denyInboundRelayReservation', 'denyOutboundRelayedConnection',
  'denyInboundRelayedConnection', 'filterMultiaddrForPeer'
]

/**
 * A gater may be a class instance (methods on its prototype): its own properties are checked,
 * each must be a known method and a function
 */
const connectionGater: OptionRule = (value, path) => {
  if (typeof value !== 'object' || value === null) { return `${path} must be an object of deny* / filter* functions` }
  for (const [key, fn] of Object.entries(value)) {
    if (fn === undefined) { continue }
    if (!GATER_METHODS.includes(key)) { return `unknown option ${path}.${key} (known: ${GATER_METHODS.join(', ')})` }
    if (typeof fn !== 'function') { return `${path}.${key} must be a function` }
  }
  return undefined
}

const addresses: InitSchema = {
  listen: option.array(multiaddrString),
  announce: option.array(multiaddrString),
  noAnnounce: option.array(multiaddrString),
  observedAddressConfirmations: option.integer(1),
  maxObservedAddresses: option.integer(0),
  announceFilter: option.unsupported('list the addresses never to announce in addresses.noAnnounce'),
  appendAnnounce: option.unsupported('list every address to announce (listen ones included) in addresses.announce'),
  addressVerificationTTL: option.unsupported('observed addresses are announced once addresses.observedAddressConfirmations peers report them, and never re-verified'),
  addressVerificationRetry: option.unsupported('observed addresses are announced once addresses.observedAddressConfirmations peers report them, and never re-verified')
}

const connectionManager: InitSchema = {
  maxConnections: option.integer(1),
  maxConnectionsPerPeer: option.integer(1),
  maxIncomingPendingConnections: option.integer(1),
  inboundConnectionThreshold: option.integer(1),
  allow: option.array(option.string()),
  deny: option.array(option.string()),
  reconnectRetries: option.integer(0),
  reconnectRetryInterval: option.ms(0),
  reconnectBackoffFactor: option.number(1, 1_000),
  inboundUpgradeTimeout: option.ms(1),
  outboundUpgradeTimeout: option.ms(1),
  inboundStreamProtocolNegotiationTimeout: option.ms(1),
  outboundStreamProtocolNegotiationTimeout: option.ms(1),
  maxParallelDials: option.integer(1),
  maxDialQueueLength: option.integer(0),
  maxPeerAddrsToDial: option.integer(1),
  dialTimeout: option.ms(1),
  addressDialTimeout: option.ms(1),
  addressSorter: option.unsupported('addresses are dialled in a fixed order (public before private, then as known); limit them with connectionManager.maxPeerAddrsToDial'),
  connectionCloseTimeout: option.unsupported('a connection\'s graceful close is bounded by its muxer (yamux({ closeTimeout })) and transport (tcp({ socketCloseTimeout }))'),
  resolvers: option.unsupported('/dns, /dns4 and /dns6 addresses are resolved by the TCP and WebSockets transports through the system resolver; /dnsaddr is not resolved'),
  maxParallelReconnects: option.unsupported('the number of re-dials per peer is connectionManager.reconnectRetries; keep-alive peers re-dial in parallel')
}

const pingTimeout: InitSchema = {
  minTimeout: option.ms(1),
  maxTimeout: option.ms(1),
  deviations: option.number(0, 100),
  alpha: option.number(0.001, 1),
  warmupSamples: option.integer(0, 1_000),
  interval: option.unsupported('the timeout follows an exponentially weighted mean of every ping, weighted by connectionMonitor.pingTimeout.alpha'),
  timeoutMultiplier: option.unsupported('the timeout is the mean plus connectionMonitor.pingTimeout.deviations standard deviations'),
  failureMultiplier: option.unsupported('failed pings do not lengthen the timeout; bound it with connectionMonitor.pingTimeout.maxTimeout')
}

const connectionMonitor: InitSchema = {
  enabled: option.boolean(),
  pingInterval: option.ms(1),
  pingTimeout: option.allOf(option.nested(pingTimeout), option.custom((value) => {
    const { minTimeout, maxTimeout } = value as { minTimeout?: number, maxTimeout?: number }
    return minTimeout != null && maxTimeout != null && minTimeout > maxTimeout ? `minTimeout (${minTimeout}) must not be above maxTimeout (${maxTimeout})` : undefined
  })),
  abortConnectionOnPingFailure: option.boolean(),
  protocolPrefix: option.string(undefined, /^[^/\s]+$/)
}

const peerStore: InitSchema = {
  maxAddressesPerPeer: option.integer(1),
  maxProtocolsPerPeer: option.integer(1),
  maxMetadataPerPeer: option.integer(1),
  maxMetadataValueBytes: option.integer(1),
  maxTagsPerPeer: option.integer(1),
  addressTtlMs: option.integer(1),
  cacheSize: option.integer(0),
  maxAddressAge: option.unsupported('an address learned without a signed record is kept peerStore.addressTtlMs'),
  maxPeerAge: option.unsupported('peers are kept until removed; a peer with no addresses left keeps its other data'),
  addressFilter: option.unsupported('give connectionGater.filterMultiaddrForPeer: it is asked before each address is stored')
}

const factories = option.array(option.func())

const libp2pInit: InitSchema = {
  privateKey: hasMethods('a PrivateKey', 'sign'),
  nodeInfo: option.nested({ name: option.string(), version: option.string(), userAgent: option.string() }),
  addresses: option.nested(addresses),
  connectionManager: option.nested(connectionManager),
  connectionMonitor: option.nested(connectionMonitor),
  connectionGater,
  transportManager: option.nested({
    failOnUnsupportedListenAddress: option.boolean(),
    faultTolerance: option.unsupported('transportManager.failOnUnsupportedListenAddress: false is FaultTolerance.NO_FATAL')
  }),
  datastore: hasMethods('a Datastore', 'get', 'put', 'has', 'delete', 'query'),
  peerStore: option.nested(peerStore),
  transports: factories,
  connectionEncrypters: factories,
  streamMuxers: factories,
  peerDiscovery: factories,
  // the keys are the application's own names
  services: option.record(option.func()),
  logger: hasMethods('a ComponentLogger', 'forComponent'),
  start: option.boolean(),
  peerRouters: factories,
  contentRouters: factories,
  metrics: option.func(),
  connectionProtector: option.unsupported('private networks (pnet) are not implemented'),
  dns: option.unsupported('/dns addresses are resolved by the TCP and WebSockets transports through the system resolver')
}

/** throws InvalidParametersError naming the first option of `init` that is unknown, unsupported, of the wrong type or out of range */
export function validateConfig (init: Libp2pInit<any>): void {
  validateInit('createLibp2p', init, libp2pInit)
}
