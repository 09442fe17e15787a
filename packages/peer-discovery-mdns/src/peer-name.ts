import { MAX_PEER_NAME_LENGTH } from './constants.js'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/**
 * A random DNS label naming this node's service instance (`<name>._p2p._udp.local`). The spec
 * asks for a random name so the peer id is not exposed in DNS names; it also lets a node
 * recognise its own responses, which multicast loops back to it.
 */
export function randomPeerName (length: number = MAX_PEER_NAME_LENGTH): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let name = ''
  for (const b of bytes) {
    // 256 is not a multiple of 36, so the first four characters come up 8/7 as often as the
    // rest: harmless for a name that only has to be unlikely to repeat
    name += ALPHABET[b % ALPHABET.length]
  }
  return name
}
