import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Multiaddr } from '@multiformats/multiaddr'

/** what the browser app (issue 13) reads from /app/config.json: where to reach this node */
export interface AppConfig {
  /** the node's WebSocket addresses (ws, wss), each ending in /p2p/<peer id>: a browser can dial only these */
  relay: string[]
}

/** the node's addresses a browser can dial */
export function appConfig (node: { getMultiaddrs(): Multiaddr[] }): AppConfig {
  const relay = node.getMultiaddrs().filter(ma => {
    const names = ma.getComponents().map(c => c.name)
    return names.includes('ws') || names.includes('wss')
  })
  return { relay: relay.map(ma => ma.toString()) }
}

/**
 * Whether /app/config.json is the node's own (appConfig): when the app directory has no
 * config.json file, which otherwise wins (an operator's hand-written one, with ICE servers)
 */
export function servesAppConfig (appDir: string): boolean {
  return !existsSync(join(appDir, 'config.json'))
}
