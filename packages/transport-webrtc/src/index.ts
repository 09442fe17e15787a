/**
 * @packageDocumentation
 *
 * WebRTC transports (specs/libp2p/webrtc). `webRTC()` is private-to-private WebRTC: a node
 * listening on `/webrtc` is reachable at `<relay addr>/p2p-circuit/webrtc/p2p/<self>` for each
 * relay it holds a reservation on; a dialer signals (SDP, ICE candidates) over the relayed
 * connection with /webrtc-signaling/0.0.1, then both talk directly over data channels.
 *
 * ```ts
 * const node = await createLibp2p({
 *   addresses: { listen: [`${relayAddr}/p2p-circuit`, '/webrtc'] },
 *   transports: [webSockets(), circuitRelayTransport(), webRTC()],
 *   connectionEncrypters: [noise()],
 *   streamMuxers: [yamux()]
 * })
 * ```
 *
 * `webRTCDirect()` is WebRTC-Direct (Node listens and dials, browsers dial): a node listening on `/ip4/<ip>/udp/<port>/webrtc-direct`
 * is reachable at `…/webrtc-direct/certhash/<hash of its certificate>/p2p/<self>` without any
 * signaling; the connection's Noise handshake (data channel 0) binds both DTLS fingerprints.
 *
 * Streams are data channels framed as the spec's README says (`DataChannelStream`), multiplexed
 * by `DataChannelMuxer`; the connection has no encrypter (DTLS) and `/webrtc` as its muxer.
 */
export { webRTC, WebRTCTransport } from './private-to-private/transport.js'
export type { WebRTCTransportInit, WebRTCTransportComponents } from './private-to-private/transport.js'
export { DataChannelMuxer, dataChannelMuxerFactory } from './muxer.js'
export { DataChannelStream } from './stream.js'
export type { DataChannelOptions } from './stream.js'
export { ConnectionFailedError, ListenError } from '@libp2p/interface'
export { DataChannelError } from './errors.js'
export { SIGNALING_PROTOCOL } from './constants.js'
export { webRTCDirect, WebRTCDirectTransport, WebRTCDirectListener, MAX_PENDING_DIRECT_CONNECTIONS } from './direct/transport.js'
export type { WebRTCTransportDirectInit, WebRTCDirectTransportComponents, TransportCertificate, CertificateClock } from './direct/transport.js'
