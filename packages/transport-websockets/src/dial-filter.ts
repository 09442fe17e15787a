import { toDialAddress } from './multiaddr.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * What a browser page can dial: any WebSocket address, except plain `ws` from an https page
 * (mixed content: the browser refuses it). `pageProtocol` is `location.protocol`, undefined
 * outside a page (a worker without location, or Node).
 */
export function browserCanDial (ma: Multiaddr, pageProtocol: string | undefined): boolean {
  const addr = toDialAddress(ma)
  if (addr == null) { return false }
  return addr.secure || pageProtocol !== 'https:'
}
