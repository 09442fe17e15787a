import { InvalidParametersError } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { CODE_P2P, multiaddr } from '@multiformats/multiaddr'
import type { PeerInfo } from '@libp2p/interface'

/**
 * The configured list as one PeerInfo per peer. Each entry must be a multiaddr naming its peer
 * with a final `/p2p/<id>` (the peer is tagged and dialled by id); a bad entry is a configuration
 * mistake, reported at construction rather than discovered later as a peer that never appears.
 * Two entries for one peer become one PeerInfo with both addresses.
 */
export function parseBootstrapList (list: unknown): PeerInfo[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidParametersError('bootstrap needs a non-empty `list` of peer multiaddrs ending in /p2p/<peer id>')
  }
  const peers = new Map<string, PeerInfo>()
  for (const entry of list) {
    const info = parseEntry(entry)
    const key = info.id.toString()
    const known = peers.get(key)
    if (known == null) {
      peers.set(key, info)
    } else {
      known.multiaddrs.push(...info.multiaddrs)
    }
  }
  return [...peers.values()]
}

function parseEntry (entry: unknown): PeerInfo {
  if (typeof entry !== 'string') {
    throw new InvalidParametersError(`bootstrap list entries must be multiaddr strings, got ${typeof entry}`)
  }
  let ma
  try {
    ma = multiaddr(entry)
  } catch (err) {
    throw new InvalidParametersError(`bootstrap list entry "${entry}" is not a multiaddr: ${(err as Error).message}`)
  }
  const last = ma.getComponents().at(-1)
  if (last?.code !== CODE_P2P || last.value == null) {
    throw new InvalidParametersError(`bootstrap list entry "${entry}" does not end in /p2p/<peer id>`)
  }
  try {
    return { id: peerIdFromString(last.value), multiaddrs: [ma] }
  } catch (err) {
    throw new InvalidParametersError(`bootstrap list entry "${entry}" has an invalid peer id: ${(err as Error).message}`)
  }
}
