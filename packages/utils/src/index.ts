/**
 * @packageDocumentation
 *
 * Building blocks shared by transports, encrypters, muxers and protocols: the stream base class
 * that implements docs/STREAMS.md, handshake readers and writers, varints, bounded queues and
 * adaptive timeouts.
 */
export { AbstractMessageStream } from './abstract-message-stream.js'
export type { MessageStreamInit, SendResult } from './abstract-message-stream.js'
export { AbstractStreamMuxer } from './abstract-stream-muxer.js'
export type { AbstractStreamMuxerInit, MuxedConnection, MuxedStream } from './abstract-stream-muxer.js'
export { HandshakeStream, handshakeStream, lpEncode, decodeVarintLength, HANDSHAKE_READ_ERRORS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_BUFFER_BYTES } from './byte-stream.js'
export type { ReadMessageOptions, ReadErrors, HandshakeStreamInit, MessageDecoder, MessageEncoder } from './byte-stream.js'
export { byteStream, lpStream, pbStream, echo } from './stream-utils.js'
export type {
  ByteStream, ByteStreamOpts, ReadBytesOptions, LengthPrefixedStream, LengthPrefixedStreamOpts,
  ProtobufDecoder, ProtobufEncoder, ProtobufStream, ProtobufMessageStream, ProtobufStreamOpts
} from './stream-utils.js'
export * from './errors.js'
export { encodeVarint, encodeVarintInto, decodeVarint, varintLength, MAX_VARINT_BYTES } from './varint.js'
export type { DecodedVarint } from './varint.js'
export { Waiters } from './waiters.js'
export * from './constants.js'
export { messageStreamPair, PairedMessageStream, disabledLogger } from './stream-pair.js'
export type { MessageStreamPairInit } from './stream-pair.js'
export { BoundedQueue } from './bounded-queue.js'
export type { BoundedQueueInit } from './bounded-queue.js'
export { AdaptiveTimeout } from './adaptive-timeout.js'
export type { AdaptiveTimeoutInit, AdaptiveTimeoutSignal } from './adaptive-timeout.js'
export { withTimeout, anySignal, followAbort, abortAfter } from './deadline.js'
export { closeAndWait } from './close-and-wait.js'
export type { Abortable, AbortDeadline, Deadline } from './deadline.js'
export { validateInit, option, messageStreamInitSchema, MAX_TIMER_MS } from './validate-init.js'
export type { OptionRule, InitSchema } from './validate-init.js'
export { ipOf, isCircuitAddress, isPrivateIp, isPrivateAddress } from './multiaddr.js'
export { ProtocolService } from './protocol-service.js'
export type { ProtocolServiceInit } from './protocol-service.js'
export { mergeIterables, mapConcurrently } from './iterables.js'
export { afterTurn } from './after-turn.js'
