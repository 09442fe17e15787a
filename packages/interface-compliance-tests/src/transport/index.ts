/**
 * @packageDocumentation
 *
 * The suite every transport passes, and the recording upgrader it uses.
 *
 * ```ts
 * import transportSuite from '@libp2p/interface-compliance-tests/transport'
 *
 * describe('my transport', () => {
 *   transportSuite({
 *     async setup () {
 *       const transport = myTransport()(components)
 *       return { dialer: transport, listener: transport, listenAddrs: [multiaddr('/ip4/127.0.0.1/tcp/0')] }
 *     },
 *     async teardown () {}
 *   })
 * })
 * ```
 *
 * The upgrader is a `RecordingUpgrader`: it returns a `RawConnection` over the transport's
 * MultiaddrConnection, so the tests check the raw byte stream (docs/STREAMS.md) with no
 * encrypter or muxer in between. A transport that brings its own muxer (WebRTC: the upgrader's
 * `muxerFactory`) gets it built, and the tests run on one of its streams per connection instead.
 *
 * A transport whose listener needs a running node (a relay reservation, WebRTC signaling) is
 * built over that node's components in setup(); where it upgrades inbound connections with its
 * components' upgrader rather than the one passed to createListener(), setup() returns that
 * recording upgrader as `inboundUpgrader`. `skip` names the tests a transport genuinely cannot
 * pass, each with the reason (transport-circuit-relay-v2 and transport-webrtc show both).
 */
import { SuiteContext } from './context.js'
import { dataTests } from './data-tests.js'
import { failureTests } from './failure-tests.js'
import { listenTests } from './listen-tests.js'
import type { TransportTestFixtures } from './context.js'

export { RecordingUpgrader, RawConnection, NotUpgradedError, rawConnection } from './recording-upgrader.js'
export type { RecordingUpgraderInit } from './recording-upgrader.js'
export type { TransportTestFixtures, TransportTestSetup } from './context.js'

export default function transportSuite (fixtures: TransportTestFixtures): void {
  describe('interface-compliance-tests: transport', () => {
    const ctx = new SuiteContext(fixtures)

    beforeEach(async () => {
      await ctx.before()
    })

    afterEach(async () => {
      await ctx.after()
    })

    listenTests(ctx)
    dataTests(ctx)
    failureTests(ctx)
    ctx.checkSkipList()
  })
}
