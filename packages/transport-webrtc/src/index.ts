/**
 * @packageDocumentation
 *
 * WebRTC transports (specs/libp2p/webrtc): data-channel streams with the spec's framing.
 */
export { DataChannelMuxer, dataChannelMuxerFactory } from './muxer.js'
export { DataChannelStream } from './stream.js'
export type { DataChannelOptions } from './stream.js'
