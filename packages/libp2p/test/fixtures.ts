import { yamux } from '@chainsafe/libp2p-yamux'
import { plaintext } from '@libp2p/interface-compliance-tests/plaintext'
import { memory } from '@libp2p/memory'
import { createLibp2p } from '../src/index.js'
import type { Libp2pInit } from '../src/index.js'
import type { Libp2p } from '../src/libp2p.js'

let next = 0

/** a started node on a fresh /memory address, plaintext + yamux */
export async function memoryNode (init: Partial<Libp2pInit> = {}): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: [`/memory/node-${Date.now()}-${next++}`], ...init.addresses },
    transports: [memory()],
    connectionEncrypters: [plaintext()],
    streamMuxers: [yamux()],
    ...init
  })
}

export async function readAll (source: AsyncIterable<{ subarray(): Uint8Array }>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const chunk of source) { parts.push(chunk.subarray()) }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const p of parts) { out.set(p, offset); offset += p.byteLength }
  return out
}

/**
 * Memory nodes a `describe` block creates through `node()` and stops after each test: call it in
 * the block's body, it registers the afterEach hook itself.
 */
export function memoryNodesPerTest (): (init?: Partial<Libp2pInit>) => Promise<Libp2p> {
  let nodes: Libp2p[] = []
  afterEach(async () => {
    await Promise.all(nodes.map(async n => n.stop()))
    nodes = []
  })
  return async (init = {}) => {
    const n = await memoryNode(init)
    nodes.push(n)
    return n
  }
}
