import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BinProcess } from './fixtures/process.js'

/** what the client tests need of a running `libp2p node`: its id and addresses */
export interface TestNode { peerId: string, tcp: string, ws: string }

/**
 * One `libp2p node` process for a suite (started in before, stopped in after), on loopback TCP
 * and WebSockets with --dht-lan (everything here is 127.0.0.1, which a WAN DHT would drop), its
 * state in a temporary data directory.
 */
export function nodeForSuite (): () => TestNode {
  let proc: BinProcess | undefined
  let dir = ''
  let node: TestNode | undefined
  before(async function () {
    this.timeout(60_000)
    dir = await mkdtemp(join(tmpdir(), 'libp2p-client-'))
    proc = new BinProcess(['node', '--data-dir', dir, '--dht-lan', '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws'])
    const [, peerId] = await proc.waitFor('stdout', /peer id (\S+)/)
    const [, tcp] = await proc.waitFor('stdout', /listening on (\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\S+)/)
    const [, ws] = await proc.waitFor('stdout', /listening on (\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/\S+)/)
    node = { peerId, tcp, ws }
  })
  after(async function () {
    this.timeout(60_000)
    await proc?.stop()
    await rm(dir, { recursive: true, force: true })
  })
  return () => {
    if (node == null) { throw new Error('the node of this suite did not start') }
    return node
  }
}

/**
 * `libp2p listen <args>` as a process, once it printed its peer id and an address matching
 * `addr` (a relayed one only after its reservation): stop it with `proc.stop()`
 */
export async function startListener (args: string[], addr: RegExp): Promise<{ proc: BinProcess, peerId: string, addr: string }> {
  const proc = new BinProcess(['listen', ...args])
  try {
    const [, peerId] = await proc.waitFor('stdout', /peer id (\S+)/)
    const [, found] = await proc.waitFor('stdout', new RegExp(`listening on (${addr.source})`))
    return { proc, peerId, addr: found }
  } catch (err) {
    await proc.stop()
    throw err
  }
}
