/**
 * The suite every stream muxer passes, run over an in-memory connection with real flow control
 * (`messageStreamPair()` from `@libp2p/utils`):
 *
 * ```ts
 * import streamMuxerSuite from '@libp2p/interface-compliance-tests/stream-muxer'
 *
 * describe('compliance', () => {
 *   streamMuxerSuite({ async setup () { return yamux()() } })
 * })
 * ```
 */
import { baseTests } from './base-tests.js'
import { closeTests } from './close-tests.js'
import { stressTests } from './stress-tests.js'
import type { StreamMuxerFactory } from '@libp2p/interface'

export interface StreamMuxerSuiteSetup {
  /** the factory under test; called once per group of tests */
  setup(): Promise<StreamMuxerFactory>
  teardown?(): Promise<void>
  /** the most unread data one stream may buffer (its largest receive window); 16 MiB if unset */
  maxUnreadBytesPerStream?: number
}

export default function streamMuxerSuite (common: StreamMuxerSuiteSetup): void {
  describe('stream muxer compliance', () => {
    baseTests(common)
    stressTests(common)
    closeTests(common)
  })
}
