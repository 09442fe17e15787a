import { followAbort } from '@libp2p/utils'

/**
 * Signals for the concurrent requests of one operation, each aborted with the operation's signal.
 * They follow it through followAbort's one shared listener: α requests in flight would otherwise
 * each hang a listener on it, past Node's leak warning at 11.
 */
export class SignalGroup {
  readonly #parent: AbortSignal

  constructor (parent: AbortSignal) {
    this.#parent = parent
  }

  /** a signal aborted with the parent's; call done() when the request finished */
  child (): { signal: AbortSignal, done(): void } {
    const controller = new AbortController()
    if (this.#parent.aborted) {
      controller.abort(this.#parent.reason)
      return { signal: controller.signal, done: () => {} }
    }
    const done = followAbort(this.#parent, reason => { controller.abort(reason) })
    return { signal: controller.signal, done }
  }
}
