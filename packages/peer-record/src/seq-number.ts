import { SEQ_NUMBER_NS_PER_MS } from './constants.js'

let last = 0n

/**
 * A default peer record sequence number: Unix time in nanoseconds at millisecond precision (the
 * scale go-libp2p uses, so it is above go's and js-libp2p's numbers for the same key), bumped by
 * one when needed so numbers from this process strictly increase even within one millisecond or
 * when the clock steps back. RFC 0003 only requires it to grow; nobody may read it as a time.
 */
export function nextSeqNumber (): bigint {
  const now = BigInt(Date.now()) * SEQ_NUMBER_NS_PER_MS
  last = now > last ? now : last + 1n

  return last
}
