import type { Await } from './abort-options.js'
import type { MultiaddrConnection } from './connection.js'
import type { PeerId } from './peer-id.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Hooks that refuse connections at each stage of dialling and upgrading. Every hook is optional;
 * returning true denies. The upgrader consults them in the order listed.
 */
export interface ConnectionGater {
  denyDialPeer?(peerId: PeerId): Await<boolean>
  denyDialMultiaddr?(multiaddr: Multiaddr): Await<boolean>
  /** before any handshake on an accepted socket */
  denyInboundConnection?(maConn: MultiaddrConnection): Await<boolean>
  denyOutboundConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  /** after encryption, when the remote peer is known */
  denyInboundEncryptedConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  denyOutboundEncryptedConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  /** after muxer negotiation */
  denyInboundUpgradedConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  denyOutboundUpgradedConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  /** drop an address before it enters the peer store */
  filterMultiaddrForPeer?(peerId: PeerId, multiaddr: Multiaddr): Await<boolean>
}
