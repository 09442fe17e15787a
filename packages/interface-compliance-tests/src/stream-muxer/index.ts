/**
 * The suite every stream muxer passes, run over an in-memory connection with real flow control
 * (`messageStreamPair()` from `@libp2p/utils`), or over the connections the setup's
 * `connectionPair()` makes (a muxer whose streams are native: WebRTC data channels):
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
import type { StreamMuxerSuiteSetup } from './setup.js'

export type { StreamMuxerSuiteSetup }

export default function streamMuxerSuite (common: StreamMuxerSuiteSetup): void {
  describe('stream muxer compliance', () => {
    baseTests(common)
    stressTests(common)
    closeTests(common)
  })
}
