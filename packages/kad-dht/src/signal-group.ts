import { anySignal } from '@libp2p/utils'
import type { Deadline } from '@libp2p/utils'

/**
 * Signals for the concurrent requests of one operation, each aborted with the operation's signal.
 * anySignal() follows it through followAbort's one shared listener: α requests in flight would
 * otherwise each hang a listener on it, past Node's leak warning at 11.
 */
export class SignalGroup {
  readonly #parent: AbortSignal

  constructor (parent: AbortSignal) {
    this.#parent = parent
  }

  /** a signal aborted with the parent's; call done() when the request finished */
  child (): Deadline {
    return anySignal(this.#parent)
  }
}
