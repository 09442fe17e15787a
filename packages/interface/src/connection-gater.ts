import type { Await } from './abort-options.js'
import type { MultiaddrConnection } from './connection.js'
import type { PeerId } from './peer-id.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Hooks that refuse connections at each stage of dialling and upgrading. Every hook is optional;
 * the deny* hooks deny by returning true, filterMultiaddrForPeer keeps an address by returning
 * true. The dial queue and the upgrader consult them in the order listed; the relay hooks are
 * consulted by a relay server and the relay transport, when those run.
 */
export interface ConnectionGater {
  /** by the dial queue, before it looks up or dials any address of the peer */
  denyDialPeer?(peerId: PeerId): Await<boolean>
  /** by the dial queue, for each address it would dial (ending in /p2p/<peer> when the peer is known) */
  denyDialMultiaddr?(multiaddr: Multiaddr): Await<boolean>
  /** before any handshake on an accepted socket */
  denyInboundConnection?(maConn: MultiaddrConnection): Await<boolean>
  /**
   * by the upgrader, before any handshake on a connection a transport dialled, when the peer is
   * known (the dial names it, or the address ends in /p2p/<peer>)
   */
  denyOutboundConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  /** after encryption, when the remote peer is known */
  denyInboundEncryptedConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  denyOutboundEncryptedConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  /** after muxer negotiation */
  denyInboundUpgradedConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  denyOutboundUpgradedConnection?(peerId: PeerId, maConn: MultiaddrConnection): Await<boolean>
  /** by a relay server, on a peer's reservation request: true refuses it (PERMISSION_DENIED) */
  denyInboundRelayReservation?(source: PeerId): Await<boolean>
  /**
   * by a relay server, when `source` (holding a connection to the relay) asks for a circuit to
   * `destination`, before the destination is contacted: true refuses it (PERMISSION_DENIED)
   */
  denyOutboundRelayedConnection?(source: PeerId, destination: PeerId): Await<boolean>
  /**
   * by the relay transport, when `relay` asks this node to accept a circuit from `remotePeer`,
   * before the circuit is upgraded: true refuses it (PERMISSION_DENIED)
   */
  denyInboundRelayedConnection?(relay: PeerId, remotePeer: PeerId): Await<boolean>
  /** by the peer store, for each address about to be stored for the peer: false leaves it out */
  filterMultiaddrForPeer?(peerId: PeerId, multiaddr: Multiaddr): Await<boolean>
}
