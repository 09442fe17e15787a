import { AbortError } from '@libp2p/interface'
import type { AbortOptions } from '@libp2p/interface'

/** Throws AbortError when the options carry an aborted signal */
export function throwIfAborted (options?: AbortOptions): void {
  if (options?.signal?.aborted === true) {
    throw new AbortError()
  }
}
