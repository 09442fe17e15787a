/** Nodes and waits shared by the connection manager tests over TCP */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from '../src/index.js'
import type { RawServer } from './adversary.js'
import type { Libp2p } from '../src/libp2p.js'
import type { Connection, PeerId } from '@libp2p/interface'

/** a started node listening on 127.0.0.1 over TCP + Noise + Yamux */
export async function tcpNode (init: Parameters<typeof createLibp2p>[0] = {}): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    ...init
  })
}

export async function randomPeer (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

/** resolves once the connection has closed */
export async function closed (connection: Connection): Promise<void> {
  if (connection.status === 'closed') { return }
  await new Promise<void>(resolve => { connection.addEventListener('close', () => { resolve() }, { once: true }) })
}

/** what a test made (nodes, raw TCP servers), stopped and closed together after it */
export class TestNodes {
  #nodes: Libp2p[] = []
  #servers: RawServer[] = []

  async node (init: Parameters<typeof tcpNode>[0] = {}): Promise<Libp2p> {
    const n = await tcpNode(init)
    this.#nodes.push(n)
    return n
  }

  server<T extends RawServer>(server: T): T {
    this.#servers.push(server)
    return server
  }

  async cleanUp (): Promise<void> {
    const nodes = this.#nodes.splice(0)
    await Promise.all(nodes.map(async n => n.stop()))
    const servers = this.#servers.splice(0)
    await Promise.all(servers.map(async s => s.close()))
  }
}
