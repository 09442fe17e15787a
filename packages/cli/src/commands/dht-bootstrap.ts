import { UnsupportedProtocolError } from '@libp2p/interface'
import { PROTOCOL } from '@libp2p/kad-dht'
import type { CommandIO } from './command.js'
import type { DhtClientNode } from '../client-node.js'
import type { IdentifyResult } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * Dials the bootstrap peers and resolves once one of them says (identify) that it serves the DHT
 * protocol: the DHT adds it then, and a query has somewhere to start. Fails with the dial's error
 * when none can be reached, and with an UnsupportedProtocolError once every reached peer has
 * identified without serving the DHT (a query would otherwise wait for its timeout). `signal`
 * bounds all of it.
 */
export async function reachBootstrap (node: DhtClientNode, addrs: Multiaddr[], io: CommandIO, signal: AbortSignal): Promise<void> {
  const identified = new Map<string, string[]>()
  let settle: (() => void) | undefined
  let onAbort: (() => void) | undefined
  const onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    identified.set(evt.detail.peerId.toString(), evt.detail.protocols)
    settle?.()
  }
  // before dialling: identify may finish before the dial's promise does
  node.addEventListener('peer:identify', onIdentify)
  try {
    io.progress.show(`reaching ${addrs.length} bootstrap peer(s)...`)
    const dials = await Promise.allSettled(addrs.map(async ma => node.dial(ma, { signal })))
    const failures = dials.flatMap((d, i) => d.status === 'rejected' ? [{ addr: addrs[i].toString(), err: d.reason }] : [])
    if (failures.length === dials.length) { throw failures[0].err }
    for (const f of failures) { io.err(`could not reach bootstrap peer ${f.addr}: ${f.err?.name}: ${f.err?.message}`) }
    const reached = dials.flatMap(d => d.status === 'fulfilled' ? [d.value.remotePeer.toString()] : [])
    io.progress.show(`waiting for ${reached.length} bootstrap peer(s) to identify...`)
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (reached.some(p => identified.get(p)?.includes(PROTOCOL) === true)) {
          resolve()
        } else if (reached.every(p => identified.has(p))) {
          reject(new UnsupportedProtocolError(`no bootstrap peer serves the DHT (${PROTOCOL}): ${reached.join(', ')} answered identify without it`))
        }
      }
      settle = check
      onAbort = () => { reject(signal.reason) }
      signal.addEventListener('abort', onAbort, { once: true })
      if (signal.aborted) { onAbort() }
      check()
    })
  } finally {
    settle = undefined
    if (onAbort != null) { signal.removeEventListener('abort', onAbort) }
    node.removeEventListener('peer:identify', onIdentify)
    io.progress.clear()
  }
}
