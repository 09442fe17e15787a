import { TimeoutError } from '@libp2p/interface'

export interface Deadline {
  /** aborts with TimeoutError after the time, or with the reason of the first given signal that aborts */
  signal: AbortSignal
  /** clear the timer and the listeners */
  done(): void
}

/** per signal, the callbacks of everything that follows it, called from one listener */
const followers = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>()

/**
 * Calls `onAbort(reason)` when `signal` aborts, until the returned function is called. All the
 * followers of one signal share one 'abort' listener: a long-lived signal (a service's shutdown)
 * followed by every request in flight would otherwise carry a listener per request, past Node's
 * leak warning at 11.
 */
export function followAbort (signal: AbortSignal, onAbort: (reason: unknown) => void): () => void {
  let set = followers.get(signal)
  if (set == null) {
    const callbacks = new Set<(reason: unknown) => void>()
    set = callbacks
    followers.set(signal, callbacks)
    signal.addEventListener('abort', () => {
      followers.delete(signal)
      for (const callback of [...callbacks]) { callback(signal.reason) }
    }, { once: true })
  }
  const callbacks = set
  callbacks.add(onAbort)
  return () => { callbacks.delete(onAbort) }
}

/** one signal for an operation: a deadline of `ms` plus any signals that may end it earlier */
export function withTimeout (ms: number, what: string, ...signals: Array<AbortSignal | undefined>): Deadline {
  const controller = new AbortController()
  const timer = setTimeout(() => {
    controller.abort(new TimeoutError(`${what} did not finish within ${ms} ms`))
  }, ms)
  const onAbort = (reason: unknown): void => { controller.abort(reason) }
  const unfollow: Array<() => void> = []
  for (const signal of signals) {
    if (signal == null) { continue }
    if (signal.aborted) {
      controller.abort(signal.reason)
      break
    }
    unfollow.push(followAbort(signal, onAbort))
  }
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer)
      for (const stop of unfollow) { stop() }
    }
  }
}
