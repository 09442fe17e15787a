/** What a muxer package passes to the stream muxer suite; re-exported by index.ts */
import type { MessageStream, StreamMuxerFactory } from '@libp2p/interface'

export interface StreamMuxerSuiteSetup {
  /** the factory under test; called once per group of tests */
  setup(): Promise<StreamMuxerFactory>
  teardown?(): Promise<void>
  /** the most unread data one stream may buffer (its largest receive window); 16 MiB if unset */
  maxUnreadBytesPerStream?: number
  /**
   * The connections each muxer pair runs over, the dialer's then the listener's; an in-memory
   * byte-stream pair (`messageStreamPair()`) if unset. A muxer over native streams (WebRTC data
   * channels) brings connections that stand for its connected peer connections.
   */
  connectionPair?(): Promise<[MessageStream, MessageStream]>
  /**
   * false for a muxer whose streams cannot hold a remote sender back (an RTCDataChannel has no
   * receive window): it must then abort a stream whose unread data passes maxUnreadBytesPerStream,
   * which the suite checks instead of back-pressure to the sender (default true)
   */
  flowControl?: boolean
}
