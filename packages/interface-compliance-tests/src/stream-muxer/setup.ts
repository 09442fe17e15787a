/** What a muxer package passes to the stream muxer suite; re-exported by index.ts */
import type { StreamMuxerFactory } from '@libp2p/interface'

export interface StreamMuxerSuiteSetup {
  /** the factory under test; called once per group of tests */
  setup(): Promise<StreamMuxerFactory>
  teardown?(): Promise<void>
  /** the most unread data one stream may buffer (its largest receive window); 16 MiB if unset */
  maxUnreadBytesPerStream?: number
}
