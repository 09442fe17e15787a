import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { dhtClient, pkRecordOf } from './fixtures/dht-client.js'
import { startNodeProcess } from './fixtures/node-process.js'
import { relayClient, tempDirPerTest } from './fixtures/nodes.js'
import { OUTPUT_TIMEOUT_MS } from './fixtures/process.js'
import { rawPeer } from './fixtures/raw-relay.js'
import type { NodeProcess } from './fixtures/node-process.js'
import type { RawPeer } from './fixtures/raw-relay.js'
import type { Stream } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

/** bytes sent on a ping stream whose echo the test never reads: more than a Yamux window (256 KiB) each way */
const UNREAD_BYTES = 1024 * 1024

/**
 * A peer that stopped reading: it sends UNREAD_BYTES of pings and reads none of the echoes, so the
 * node's ping handler fills the peer's receive window and its stream cannot finish closing. Stopping
 * the node then takes as long as its muxer's close deadline (Yamux closeTimeout, 5 s), well inside
 * the node's own stop deadline (10 s): a stop that has work to do, whatever the machine's speed.
 */
async function stalledReader (node: NodeProcess): Promise<{ peer: RawPeer, stream: Stream }> {
  const peer = await rawPeer(node.tcpAddr)
  const stream = await peer.connection.newStream('/ipfs/ping/1.0.0', { signal: AbortSignal.timeout(OUTPUT_TIMEOUT_MS) })
  for (let sent = 0; sent < UNREAD_BYTES; sent += 16 * 1024) { stream.send(new Uint8Array(16 * 1024)) }
  await until(() => stream.readBufferLength >= 128 * 1024, 'the node echoed into the stalled reader\'s window', { timeout: OUTPUT_TIMEOUT_MS })
  return { peer, stream }
}

describe('libp2p node: stopping', function () {
  this.timeout(90_000)
  const temp = tempDirPerTest('libp2p-node-stop-')
  const peers: Array<{ stop(): Promise<void> }> = []

  afterEach(async () => {
    await Promise.all(peers.splice(0).map(async p => p.stop()))
  })

  it('SIGTERM with a reservation, a circuit, a DHT client and a peer that stopped reading open: exit 0 within its deadline, the clients disconnected, and a record put before it is there after a restart', async () => {
    const dir = temp.dir()
    const node = await startNodeProcess(['--data-dir', dir, '--dht-lan'])
    let code: number | null
    const owner = await dhtClient()
    peers.push(owner)
    const { key, value } = pkRecordOf(owner)
    const listener = await relayClient([`${node.tcpAddr}/p2p-circuit`])
    peers.push(listener)
    const dialer = await relayClient()
    peers.push(dialer)
    try {
      expect(await dialer.services.ping.ping(multiaddr(`${node.tcpAddr}/p2p-circuit/p2p/${listener.peerId.toString()}`))).to.be.a('number')
      await owner.dial(multiaddr(node.tcpAddr))
      await until(() => owner.services.dht.routingTable.size > 0, 'the node is in the client\'s routing table', { timeout: OUTPUT_TIMEOUT_MS })
      await owner.contentRouting.put(key, value, { signal: AbortSignal.timeout(OUTPUT_TIMEOUT_MS) })
      const stalled = await stalledReader(node)
      peers.push(stalled.peer.node)
      expect(dialer.getConnections(listener.peerId)).to.have.lengthOf(1)
    } finally {
      // SIGTERM; BinProcess kills it after STOP_TIMEOUT_MS, which would show as null, not 0
      code = await node.proc.stop()
    }
    // a stop past its deadline exits 1 with a TimeoutError
    expect(code, node.proc.stdout + node.proc.stderr).to.equal(0)
    expect(node.proc.stdout).to.match(/SIGTERM: stopping[^]*\nstopped\n/)
    // the node closed every connection it had, and with them the reservation and the circuit through it
    const connectedToNode = (client: Libp2p): boolean => client.getConnections().some(c => c.remotePeer.toString() === node.peerId)
    await until(() => ![owner, listener, dialer].some(connectedToNode), 'the clients saw the node go', { timeout: OUTPUT_TIMEOUT_MS })
    await until(() => dialer.getConnections(listener.peerId).length === 0, 'the circuit closed', { timeout: OUTPUT_TIMEOUT_MS })

    const restarted = await startNodeProcess(['--data-dir', dir, '--dht-lan'])
    const reader = await dhtClient()
    peers.push(reader)
    try {
      expect(restarted.peerId).to.equal(node.peerId)
      await reader.dial(multiaddr(restarted.tcpAddr))
      await until(() => reader.services.dht.routingTable.size > 0, 'the node is in the client\'s routing table', { timeout: OUTPUT_TIMEOUT_MS })
      expect(await reader.contentRouting.get(key, { signal: AbortSignal.timeout(OUTPUT_TIMEOUT_MS) })).to.deep.equal(value)
    } finally {
      expect(await restarted.proc.stop()).to.equal(0)
    }
  })

  it('a second SIGTERM while stopping exits at once with 143 (128 + SIGTERM), and the data directory opens again', async () => {
    const dir = temp.dir()
    const node = await startNodeProcess(['--data-dir', dir])
    const stalled = await stalledReader(node)
    peers.push(stalled.peer.node)
    node.proc.child.kill('SIGTERM')
    await node.proc.waitFor('stdout', /SIGTERM: stopping/)
    // the stalled reader holds the stop for the muxer's close deadline: the second signal comes first
    node.proc.child.kill('SIGTERM')
    const code = await node.proc.stop()
    expect(code, node.proc.stdout + node.proc.stderr).to.equal(143)
    expect(node.proc.stderr).to.include('SIGTERM again: exiting without finishing the stop')
    expect(node.proc.stdout).to.not.include('\nstopped\n')
    // LevelDB's lock went with the process: the next start opens the same state
    const again = await startNodeProcess(['--data-dir', dir])
    expect(again.peerId).to.equal(node.peerId)
    expect(await again.proc.stop()).to.equal(0)
  })
})
