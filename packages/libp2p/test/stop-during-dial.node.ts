/**
 * stop() while a dial is in flight: the dial fails, and a connection whose upgrade finishes after
 * the stop is closed instead of being kept by a stopped node (and by its remote). Found by the
 * public node's soak benchmark (docs/PERFORMANCE.md, "Public node: soak").
 */
import { until } from '@libp2p/interface-compliance-tests/wait'
import { expect } from 'aegir/chai'
import { WAIT_MS } from './adversary.js'
import { TestNodes } from './connection-manager-fixtures.js'
import type { PeerId } from '@libp2p/interface'

describe('stop() during a dial', function () {
  this.timeout(30_000)
  const made = new TestNodes()
  afterEach(async () => { await made.cleanUp() })

  it('the dial fails and the connection its upgrade finishes after the stop is closed on both sides', async () => {
    const remote = await made.node()
    // the dialer's gater holds the upgraded connection until the test has stopped the dialer
    let release = (): void => {}
    const held = new Promise<boolean>(resolve => { release = () => { resolve(false) } })
    let upgraded = (): void => {}
    const reachedGater = new Promise<void>(resolve => { upgraded = resolve })
    const dialer = await made.node({
      connectionGater: {
        denyOutboundUpgradedConnection: async (_peer: PeerId) => {
          upgraded()
          return held
        }
      }
    })
    const dial = dialer.dial(remote.getMultiaddrs()[0])
    dial.catch(() => {})
    await reachedGater
    await dialer.stop()
    release()
    const err = await dial.then(() => undefined, (e: Error) => e)
    expect(err, 'the dial in flight fails').to.be.an('error')
    expect(dialer.getConnections()).to.deep.equal([])
    // the remote had accepted it: it sees the stopped node's connection close
    await until(() => remote.getConnections(dialer.peerId).length === 0, 'the remote no longer holds a connection to the stopped node', { timeout: WAIT_MS })
  })
})
