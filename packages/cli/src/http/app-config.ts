import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { iceServerFromUrl } from '@libp2p/app-rendezvous'
import type { Multiaddr } from '@multiformats/multiaddr'

/** what the browser app (issue 13) reads from /app/config.json: where to reach this node, and how to cross NATs */
export interface AppConfig {
  /** the node's WebSocket addresses (ws, wss), each ending in /p2p/<peer id>: a browser can dial only these */
  relay: string[]
  /** the STUN/TURN servers of the node's iceServers setting, as RTCIceServer objects (credentials apart from the URL) */
  iceServers: RTCIceServer[]
}

/** the node's addresses a browser can dial, and its STUN/TURN servers (URLs the settings already checked) */
export function appConfig (node: { getMultiaddrs(): Multiaddr[] }, iceServers: string[] = []): AppConfig {
  const relay = node.getMultiaddrs().filter(ma => {
    const names = ma.getComponents().map(c => c.name)
    return names.includes('ws') || names.includes('wss')
  })
  return { relay: relay.map(ma => ma.toString()), iceServers: iceServers.map(iceServerFromUrl) }
}

/**
 * Whether /app/config.json is the node's own (appConfig): when the app directory has no
 * config.json file, which otherwise wins (an operator's hand-written one)
 */
export function servesAppConfig (appDir: string): boolean {
  return !existsSync(join(appDir, 'config.json'))
}
