import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import type { Identify, IdentifyPush } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { Libp2p } from 'libp2p'

export const ECHO_PROTOCOL = '/echo/1.0.0'

export type Node = Libp2p<{ identify: Identify, identifyPush: IdentifyPush, ping: Ping }>

export interface NodeOptions {
  listen?: string[]
}

/** A TCP + Noise + Yamux node with identify, identify-push, ping and an echo protocol */
export async function startNode (options: NodeOptions = {}): Promise<Node> {
  const node = await createLibp2p({
    addresses: { listen: options.listen ?? ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), identifyPush: identifyPush(), ping: ping() }
  })
  await serveEcho(node)
  return node
}

/** answers /echo/1.0.0 streams: sends back what arrives until the remote closes its side */
export async function serveEcho (node: Pick<Libp2p, 'handle'>): Promise<void> {
  await node.handle(ECHO_PROTOCOL, async (stream) => {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) { await stream.onDrain() }
    }
    await stream.closeWrite()
  }, { runOnLimitedConnection: true })
}
