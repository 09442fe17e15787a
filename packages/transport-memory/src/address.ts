import { CODE_MEMORY, CODE_P2P, multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The listener key of `/memory/<id>` or `/memory/<id>/p2p/<peer>`; undefined for any other
 * address (a relayed `/memory/<id>/p2p/<relay>/p2p-circuit/...` is the relay transport's).
 */
export function memoryAddressKey (ma: Multiaddr): string | undefined {
  const components = ma.getComponents()
  const first = components[0]
  if (first?.code !== CODE_MEMORY || first.value == null || first.value === '') { return undefined }
  if (components.length === 1) { return first.value }
  if (components.length === 2 && components[1].code === CODE_P2P) { return first.value }
  return undefined
}

/** `/memory/<key>` */
export function memoryAddress (key: string): Multiaddr {
  return multiaddr([{ code: CODE_MEMORY, name: 'memory', value: key }])
}
