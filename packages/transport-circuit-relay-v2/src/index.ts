/**
 * @packageDocumentation
 *
 * Circuit relay v2 (specs/libp2p/relay/circuit-v2.md): `circuitRelayServer()` runs the relay
 * (hop: reservations and circuits, with per-circuit data and duration limits) and
 * `circuitRelayTransport()` is the client (dial `…/p2p/<relay>/p2p-circuit/p2p/<peer>`, listen on
 * `…/p2p/<relay>/p2p-circuit` by holding a reservation, answer the relay's stop requests).
 *
 * ```ts
 * // the relay
 * const relay = await createLibp2p({
 *   addresses: { listen: ['/ip4/0.0.0.0/tcp/4001'] },
 *   transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()],
 *   services: { identify: identify(), relay: circuitRelayServer() }
 * })
 * // a peer reachable through it
 * const node = await createLibp2p({
 *   addresses: { listen: [`/ip4/203.0.113.1/tcp/4001/p2p/${relayId}/p2p-circuit`] },
 *   transports: [tcp(), circuitRelayTransport()], connectionEncrypters: [noise()], streamMuxers: [yamux()]
 * })
 * ```
 *
 * A node may also listen on `/p2p-circuit` alone: it then finds relays among the peers it
 * identifies (and those in its peer store) that support the hop protocol, and holds one reservation
 * per such address, replacing a relay that goes away (`reservationConcurrency`,
 * `maxReservationQueueLength`, as js-libp2p names them).
 *
 * Relayed connections are limited (`connection.limits`): protocols run on them only when their
 * handler or dial passes `runOnLimitedConnection: true`. The connection manager reuses an open one
 * for callers that accept it instead of opening another circuit.
 *
 * The node's connection gater is asked as js-libp2p asks it: the relay calls
 * `denyInboundRelayReservation(source)` on each reservation request and
 * `denyOutboundRelayedConnection(source, destination)` on each circuit request; the transport calls
 * `denyInboundRelayedConnection(relay, remotePeer)` on each circuit a relay announces. A hook that
 * returns true refuses that request with PERMISSION_DENIED.
 */
export { circuitRelayServer } from './server/index.js'
export type { CircuitRelayServer, CircuitRelayServerInit, CircuitRelayServerComponents, RelayReservationsInit, RelayReservation, CircuitRelayServiceEvents, ReadonlyReservations } from './server/index.js'
export { circuitRelayTransport } from './transport/transport.js'
export type { CircuitRelayTransportInit, CircuitRelayTransportComponents } from './transport/transport.js'
export { RelayRefusedError } from './errors.js'
export { RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC, RESERVATION_TAG, RESERVATION_VOUCHER_DOMAIN, RESERVATION_VOUCHER_CODEC } from './constants.js'
export { HopMessage, StopMessage, Status } from './pb/circuit.js'
export type { Peer, Reservation, Limit } from './pb/circuit.js'
export { ReservationVoucherRecord, sealVoucher, openVoucher } from './voucher.js'
export type { OpenedVoucher } from './voucher.js'
