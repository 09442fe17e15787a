import { TimeoutError } from '@libp2p/interface'

export interface Deadline {
  /** aborts with TimeoutError after the time, or with the reason of the first given signal that aborts */
  signal: AbortSignal
  /** clear the timer and the listeners */
  done(): void
}

/** one signal for an operation: a deadline of `ms` plus any signals that may end it earlier */
export function withTimeout (ms: number, what: string, ...signals: Array<AbortSignal | undefined>): Deadline {
  const controller = new AbortController()
  const timer = setTimeout(() => {
    controller.abort(new TimeoutError(`${what} did not finish within ${ms} ms`))
  }, ms)
  const onAbort = (evt: Event): void => {
    controller.abort((evt.target as AbortSignal).reason)
  }
  const given = signals.filter((s): s is AbortSignal => s != null)
  for (const signal of given) {
    if (signal.aborted) {
      controller.abort(signal.reason)
      break
    }
    signal.addEventListener('abort', onAbort, { once: true })
  }
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer)
      for (const signal of given) { signal.removeEventListener('abort', onAbort) }
    }
  }
}
