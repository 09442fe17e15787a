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
 * encrypter or muxer in between.
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
  })
}
