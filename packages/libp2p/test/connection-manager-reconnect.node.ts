/**
 * Re-dialling keep-alive peers: a peer that went away for good is tried at once and then
 * reconnectRetries more times, with a backoff that grows by reconnectBackoffFactor (doubling by
 * default), then given up: no timer left behind, and the peer is re-dialled
 * again the next time it connects and drops.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { WAIT_MS, rawServer, within } from './adversary.js'
import { TestNodes } from './connection-manager-fixtures.js'
import type { Libp2p } from '../src/libp2p.js'
import type { PeerId } from '@libp2p/interface'

/** timers that keep the process alive (mocha's own for the running test among them) */
function activeTimers (): number {
  return process.getActiveResourcesInfo().filter(r => r === 'Timeout').length
}

async function disconnected (node: Libp2p, peer: PeerId): Promise<void> {
  await new Promise<void>(resolve => {
    const onDisconnect = (evt: CustomEvent<PeerId>): void => {
      if (!evt.detail.equals(peer)) { return }
      node.removeEventListener('peer:disconnect', onDisconnect)
      resolve()
    }
    node.addEventListener('peer:disconnect', onDisconnect)
  })
}

describe('connection manager: re-dialling keep-alive peers', function () {
  this.timeout(30_000)

  const made = new TestNodes()

  afterEach(async () => {
    await made.cleanUp()
  })

  /**
   * A keep-alive friend of every target that connects to them all and then stops for good; each
   * target's store also holds an address of its own where each of its re-dials shows up as a
   * socket (hung up on at once) and calls onAttempt with the target's index
   */
  async function dropKeepAlivePeer (targets: Libp2p[], onAttempt: (target: number) => void): Promise<Libp2p> {
    const friend = await made.node()
    await Promise.all(targets.map(async (target, i) => {
      const counter = made.server(await rawServer((socket) => {
        onAttempt(i)
        socket.destroy()
      }))
      await target.peerStore.merge(friend.peerId, {
        multiaddrs: [...friend.getMultiaddrs(), multiaddr(`/ip4/127.0.0.1/tcp/${counter.port}`)],
        tags: { 'keep-alive': { value: 100 } }
      })
      await target.dial(friend.getMultiaddrs()[0])
    }))
    const gone = Promise.all(targets.map(async target => disconnected(target, friend.peerId)))
    await friend.stop()
    await within(gone, 'the targets see the friend go')
    return friend
  }

  it('re-dials at once, then reconnectRetries times with a doubling backoff; gives up leaving no timer, and tries again after the next drop', async () => {
    // short enough for five attempts (0, 1, 3, 7 and 15 backoffs) to take under 5 s
    const backoffMs = 300
    const retries = 4
    // the connection monitor's ping timers come and go with connections: off, so only the re-dials' timers are counted
    const target = await made.node({ connectionManager: { reconnectRetryInterval: backoffMs, reconnectRetries: retries }, connectionMonitor: { enabled: false } })
    const friendKey = await generateKeyPair('Ed25519')
    const friend = await made.node({ privateKey: friendKey, connectionMonitor: { enabled: false } })
    // idle nodes hold no timer: what is running now (mocha's) is what must be left in the end
    const timersBefore = activeTimers()

    // Besides the friend's own address (refused once it stops), the store holds one where each
    // re-dial shows up as a socket, which is hung up on at once: one socket per attempt
    const log: string[] = []
    let attempts = 0
    const counter = made.server(await rawServer((socket) => {
      log.push(`attempt ${++attempts}`)
      socket.destroy()
    }))
    const counterAddr = multiaddr(`/ip4/127.0.0.1/tcp/${counter.port}`)
    await target.peerStore.merge(friend.peerId, {
      multiaddrs: [...friend.getMultiaddrs(), counterAddr],
      tags: { 'keep-alive': { value: 100 } }
    })
    await target.dial(friend.getMultiaddrs()[0])
    expect(attempts).to.equal(0)

    const gone = disconnected(target, friend.peerId)
    await friend.stop()
    await within(gone, 'the target sees the friend go')

    // the first re-dial at once, then `retries` more; their schedule (backoff × 1, 2, 4, 8) is
    // checked without real time in reconnect-queue.spec.ts, with a fake clock
    await within(until(() => attempts === retries + 1, 'five attempts', { timeout: 10_000 }), 'the re-dials', 12_000)
    expect(log).to.deep.equal(['attempt 1', 'attempt 2', 'attempt 3', 'attempt 4', 'attempt 5'])

    // given up: no backoff timer and no dial timer is left, so nothing can start a sixth attempt
    // (nor keep the process alive)
    await until(() => activeTimers() === timersBefore, 'every timer of the re-dials is gone', { timeout: WAIT_MS })
    expect(attempts).to.equal(retries + 1)
    expect(target.getConnections(friend.peerId)).to.have.length(0)

    // The queue let go of the peer: when it is back and drops again, it is re-dialled again
    const back = await made.node({ privateKey: friendKey, connectionMonitor: { enabled: false } })
    await target.peerStore.merge(friend.peerId, { multiaddrs: back.getMultiaddrs() })
    await target.dial(back.getMultiaddrs()[0])
    await until(() => back.getConnections(target.peerId).length === 1, 'the friend sees the connection', { timeout: WAIT_MS })
    const reconnected = new Promise<void>(resolve => {
      target.addEventListener('peer:connect', () => { resolve() }, { once: true })
    })
    const dropped = disconnected(target, friend.peerId)
    await back.hangUp(target.peerId)
    await within(dropped, 'the friend drops again')
    await within(reconnected, 'the target re-dials the friend again')
    const conn = target.getConnections(friend.peerId)[0]
    expect(conn.direction).to.equal('outbound')
    expect(conn.status).to.equal('open')
  })

  it('reconnectBackoffFactor multiplies each further wait: a node with factor 20 falls behind one with the default', async () => {
    // No clock is read: the two nodes lose the same peer at the same moment and the test only
    // looks at the order of their attempts. After the drop, at multiples of the interval:
    //   fast (default factor 2, 3 retries): 0, 1, 3, 7
    //   slow (factor 20, 2 retries):        0, 1, 21
    // so the slow node's third attempt comes after all four of the fast one's, 14 intervals later;
    // were the factor ignored (2), it would come at 3, four intervals before the fast one's fourth.
    // (The exact waits are checked with a fake clock in reconnect-queue.spec.ts.)
    const reconnectRetryInterval = 100
    const fast = await made.node({ connectionManager: { reconnectRetryInterval, reconnectRetries: 3 } })
    const slow = await made.node({ connectionManager: { reconnectRetryInterval, reconnectBackoffFactor: 20, reconnectRetries: 2 } })
    const log: string[] = []
    await dropKeepAlivePeer([fast, slow], (i) => { log.push(i === 0 ? 'fast' : 'slow') })
    const count = (who: string): number => log.filter(l => l === who).length
    await until(() => count('fast') === 4 && count('slow') === 3, 'four attempts of the fast node and three of the slow one', { timeout: 10_000 })
    expect(log.lastIndexOf('fast')).to.be.below(log.lastIndexOf('slow'))
    // the slow node's last attempt is the only one after the fast node's fourth
    expect(log.slice(log.lastIndexOf('fast') + 1)).to.deep.equal(['slow'])
  })

  it('stops re-dialling a peer whose keep-alive tag is removed while it waits', async () => {
    const backoffMs = 150
    const target = await made.node({ connectionManager: { reconnectRetryInterval: backoffMs, reconnectRetries: 4 }, connectionMonitor: { enabled: false } })
    const timersBefore = activeTimers()
    let attempts = 0
    let firstAttempt: () => void = () => {}
    const attempted = new Promise<void>(resolve => { firstAttempt = resolve })
    const friend = await dropKeepAlivePeer([target], () => {
      attempts++
      firstAttempt()
    })
    await within(attempted, 'the first re-dial')
    await target.peerStore.merge(friend.peerId, { tags: { 'keep-alive': undefined } })
    // without the tag the queue lets go at its next turn: every timer gone, no second attempt
    // (a queue that kept going would make four more, the last 15 backoffs after the drop)
    await until(() => activeTimers() === timersBefore, 'every timer of the re-dials is gone', { timeout: 10_000 })
    expect(attempts).to.equal(1)
    expect(target.getConnections(friend.peerId)).to.have.length(0)
  })
})
