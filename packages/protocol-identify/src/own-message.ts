import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { PROTOCOL_VERSION } from './constants.js'
import { splitIdentify } from './split-message.js'
import type { Identify } from './pb/message.js'
import type { AddressManager, Connection, Logger, PeerId, PrivateKey, Registrar } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface OwnMessageComponents {
  peerId: PeerId
  privateKey: PrivateKey
  registrar: Pick<Registrar, 'getProtocols'>
  addressManager: Pick<AddressManager, 'getAddresses'>
}

/** `addr` without a trailing /p2p/<peer>; relay hops (/p2p/<relay>/p2p-circuit) stay */
function withoutPeer (addr: Multiaddr, peer: string): Multiaddr {
  const components = addr.getComponents()
  const last = components[components.length - 1]
  if (last?.name === 'p2p' && last.value === peer) {
    return addr.decapsulateCode(last.code)
  }
  return addr
}

/**
 * The bytes of `addr`, computed on a copy: a Multiaddr keeps the bytes it is asked for, in a slice
 * of Node's shared 8 KiB Buffer pool, and a connection's remote address lives as long as the
 * connection, so the kept slice held its whole slab (bench/micro/relay-memory.mjs)
 */
function bytesOf (addr: Multiaddr): Uint8Array<ArrayBuffer> {
  return multiaddr(addr.getComponents().map(c => ({ ...c }))).bytes as Uint8Array<ArrayBuffer>
}

/**
 * Builds the identify message this node sends. The signed peer record of our addresses is sealed
 * once per set of addresses and reused until they change (sealing means a signature).
 */
export class OwnMessage {
  readonly #components: OwnMessageComponents
  readonly #agentVersion: string
  readonly #log: Logger
  #record?: { key: string, envelope: Promise<Uint8Array | undefined> }

  constructor (components: OwnMessageComponents, agentVersion: string, log: Logger) {
    this.#components = components
    this.#agentVersion = agentVersion
    this.#log = log
  }

  /** our listen addresses as we announce them, without /p2p/<self> */
  listenAddrs (): Multiaddr[] {
    const self = this.#components.peerId.toString()
    return this.#components.addressManager.getAddresses().map(addr => withoutPeer(addr, self))
  }

  /**
   * The full identify message for `connection`. Its remote address is the observed address,
   * without the /p2p/<remote> an outbound connection's address ends in (as go-libp2p sends it).
   */
  async build (connection: Pick<Connection, 'remoteAddr' | 'remotePeer'>): Promise<Identify> {
    const listenAddrs = this.listenAddrs()
    return {
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: this.#agentVersion,
      publicKey: publicKeyToProtobuf(this.#components.privateKey.publicKey) as Uint8Array<ArrayBuffer>,
      listenAddrs: listenAddrs.map(addr => addr.bytes as Uint8Array<ArrayBuffer>),
      observedAddr: bytesOf(withoutPeer(connection.remoteAddr, connection.remotePeer.toString())),
      protocols: this.#components.registrar.getProtocols(),
      signedPeerRecord: await this.signedPeerRecord(listenAddrs)
    }
  }

  /**
   * The identify message for `connection` as the parts to send: one message unless it is large
   * (see splitIdentify); what does not fit in the parts every implementation reads is logged
   */
  async parts (connection: Pick<Connection, 'remoteAddr' | 'remotePeer'>): Promise<Identify[]> {
    const { parts, leftOut } = splitIdentify(await this.build(connection))
    if (leftOut != null) {
      this.#log.error('our identify message is too large: left out %d protocols, %d listen addresses%s',
        leftOut.protocols, leftOut.listenAddrs, leftOut.signedPeerRecord ? ' and the signed peer record' : '')
    }
    return parts
  }

  /** the marshalled envelope of a peer record of `addrs`, sealed again only when they change */
  async signedPeerRecord (addrs: Multiaddr[]): Promise<Uint8Array<ArrayBuffer> | undefined> {
    const key = addrs.map(String).join(' ')
    if (this.#record?.key !== key) {
      this.#record = { key, envelope: this.#seal(addrs) }
    }
    return await this.#record.envelope as Uint8Array<ArrayBuffer> | undefined
  }

  async #seal (addrs: Multiaddr[]): Promise<Uint8Array | undefined> {
    try {
      const record = new PeerRecord({ peerId: this.#components.peerId, multiaddrs: addrs })
      const envelope = await RecordEnvelope.seal(record, this.#components.privateKey)
      return envelope.marshal()
    } catch (err) {
      // e.g. more addresses than a peer record holds: identify still goes out, without a record
      this.#log.error('could not seal a peer record of our %d addresses - %e', addrs.length, err)
      return undefined
    }
  }
}
