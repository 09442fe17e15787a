import { publicKeyFromProtobuf } from '@libp2p/crypto/keys'
import { InvalidPublicKeyError, LimitExceededError, UnexpectedPeerError } from '@libp2p/interface'
import { openPeerRecord } from '@libp2p/peer-record'
import { isCircuitAddress } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { fromString as uint8ArrayFromString } from 'uint8arrays/from-string'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { AGENT_VERSION_KEY, PROTOCOL_VERSION_KEY } from './constants.js'
import type { Identify } from './pb/message.js'
import type { AbortOptions, AddressManager, Connection, IdentifyResult, Logger, Peer, PeerData, PeerStore, PublicKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface ConsumeComponents {
  peerStore: PeerStore
  addressManager: Pick<AddressManager, 'addObservedAddr'>
}

export interface ConsumeOptions extends AbortOptions {
  /**
   * An identify-push message: fields that are absent (or empty lists) leave what is stored alone,
   * and the observed address is not reported
   */
  push: boolean
  log: Logger
}

/** the key in the message, which must be the remote peer's */
function checkPublicKey (bytes: Uint8Array, connection: Pick<Connection, 'remotePeer'>): PublicKey {
  let key: PublicKey
  try {
    key = publicKeyFromProtobuf(bytes)
  } catch (err: any) {
    if (err?.name === 'UnsupportedKeyTypeError' || err?.name === 'InvalidPublicKeyError') { throw err }
    throw new InvalidPublicKeyError(`identify carried a public key that does not decode: ${err?.message ?? err}`, { cause: err })
  }
  if (!connection.remotePeer.equals(key.toMultihash().bytes)) {
    throw new UnexpectedPeerError(`identify from ${connection.remotePeer} carried the public key of ${key.toString()}`)
  }
  return key
}

/** valid binary multiaddrs; one we cannot parse (e.g. a protocol this build does not know) is skipped */
function parseAddrs (list: Uint8Array[], log: Logger): Multiaddr[] {
  const out: Multiaddr[] = []
  for (const bytes of list) {
    try {
      out.push(multiaddr(bytes.slice()))
    } catch (err) {
      log('skipping a listen address that does not parse - %e', err)
    }
  }
  return out
}

function metadataString (peer: Peer, key: string): string | undefined {
  const value = peer.metadata.get(key)
  return value == null ? undefined : uint8ArrayToString(value)
}

/** what a message says, once checked */
interface Checked {
  publicKey?: PublicKey
  signed?: { envelope: Uint8Array, addresses: Multiaddr[], seq: bigint }
  listenAddrs: Multiaddr[]
  observedAddr?: Multiaddr
}

/** the checks that must pass before anything is stored; throws their typed errors */
async function check (connection: Connection, message: Identify, options: ConsumeOptions): Promise<Checked> {
  const remotePeer = connection.remotePeer
  const checked: Checked = { listenAddrs: parseAddrs(message.listenAddrs, options.log) }
  if (message.publicKey != null) {
    checked.publicKey = checkPublicKey(message.publicKey, connection)
  }
  if (message.signedPeerRecord != null) {
    const envelope = message.signedPeerRecord.slice()
    const { record } = await openPeerRecord(envelope, options)
    if (!record.peerId.equals(remotePeer)) {
      throw new UnexpectedPeerError(`identify from ${remotePeer} carried a peer record of ${record.peerId}`)
    }
    checked.signed = { envelope, addresses: record.multiaddrs, seq: record.seqNumber }
  }
  if (message.observedAddr != null) {
    checked.observedAddr = parseAddrs([message.observedAddr], options.log)[0]
  }
  return checked
}

/** write what the message says to the peer store; returns the peer as stored afterwards */
async function store (peerStore: PeerStore, connection: Connection, message: Identify, checked: Checked, options: ConsumeOptions): Promise<Peer> {
  const { push, log } = options
  const remotePeer = connection.remotePeer
  if (checked.signed != null && !await peerStore.consumePeerRecord(checked.signed.envelope, remotePeer, options)) {
    log('the peer record of %p (seq %s) is not newer than the stored one', remotePeer, checked.signed.seq)
  }

  const data: PeerData = {}
  if (!push || message.protocols.length > 0) { data.protocols = message.protocols }
  if (checked.signed == null && checked.listenAddrs.length > 0) { data.multiaddrs = checked.listenAddrs }
  if (checked.publicKey != null) { data.publicKey = checked.publicKey }
  const peer = await peerStore.patch(remotePeer, data, options)

  const metadata = new Map<string, Uint8Array>()
  if (message.agentVersion != null) { metadata.set(AGENT_VERSION_KEY, uint8ArrayFromString(message.agentVersion)) }
  if (message.protocolVersion != null) { metadata.set(PROTOCOL_VERSION_KEY, uint8ArrayFromString(message.protocolVersion)) }
  if (metadata.size === 0) { return peer }
  try {
    return await peerStore.merge(remotePeer, { metadata }, options)
  } catch (err: any) {
    // a version string past the peer store's maxMetadataValueBytes: the rest of identify stands
    if (err?.name !== LimitExceededError.name) { throw err }
    log('the versions of %p were not stored - %e', remotePeer, err)
    return peer
  }
}

/**
 * Check an identify (or push) message from `connection`'s peer and store what it says. Nothing is
 * stored unless the key and the signed peer record pass their checks:
 *
 * - the public key must be the remote peer's (UnexpectedPeerError, InvalidPublicKeyError)
 * - a signed peer record must verify and name the remote peer (InvalidSignatureError,
 * InvalidMessageError, UnexpectedPeerError); its addresses are then stored as certified through
 * `peerStore.consumePeerRecord` (an older record than the stored one changes nothing), and the
 * plain listenAddrs are ignored
 * - otherwise non-empty listenAddrs replace the stored addresses
 * - protocols replace the stored ones (for a push, only when the list is not empty)
 * - AgentVersion and ProtocolVersion metadata are set when present
 * - the observed address goes to the address manager (not for a push, nor a relayed one)
 *
 * For a push the result shows what is known after it: stored values fill the fields it left out.
 */
export async function consumeIdentify (components: ConsumeComponents, connection: Connection, message: Identify, options: ConsumeOptions): Promise<IdentifyResult> {
  const { push, log } = options
  const checked = await check(connection, message, options)
  const peer = await store(components.peerStore, connection, message, checked, options)
  const { signed, listenAddrs, observedAddr } = checked

  if (!push && observedAddr != null) {
    if (isCircuitAddress(observedAddr)) {
      log('not reporting relayed observed address %a', observedAddr)
    } else {
      components.addressManager.addObservedAddr(observedAddr, connection.remotePeer)
    }
  }

  if (push) {
    return {
      peerId: connection.remotePeer,
      protocols: peer.protocols,
      listenAddrs: signed?.addresses ?? (listenAddrs.length > 0 ? listenAddrs : peer.addresses.map(a => a.multiaddr)),
      agentVersion: message.agentVersion ?? metadataString(peer, AGENT_VERSION_KEY),
      protocolVersion: message.protocolVersion ?? metadataString(peer, PROTOCOL_VERSION_KEY),
      publicKey: message.publicKey,
      signedPeerRecord: signed == null ? undefined : { addresses: signed.addresses, seq: signed.seq },
      connection
    }
  }
  return {
    peerId: connection.remotePeer,
    protocols: [...new Set(message.protocols)],
    listenAddrs: signed?.addresses ?? listenAddrs,
    observedAddr,
    agentVersion: message.agentVersion,
    protocolVersion: message.protocolVersion,
    publicKey: message.publicKey,
    signedPeerRecord: signed == null ? undefined : { addresses: signed.addresses, seq: signed.seq },
    connection
  }
}
