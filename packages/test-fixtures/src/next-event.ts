import { TimeoutError } from '@libp2p/interface'

/** how long nextEvent() waits by default, in ms */
export const DEFAULT_NEXT_EVENT_TIMEOUT_MS = 10_000

export interface NextEventOptions {
  /** give up after this many ms (default 10 000) */
  timeout?: number
}

/**
 * The detail of the next `type` event on `target` that passes `filter`. Rejects with a
 * TimeoutError after `timeout` ms, so a test whose event never comes fails by name instead of
 * hanging until mocha's own timeout.
 */
export async function nextEvent<D> (target: EventTarget, type: string, filter: (detail: D) => boolean = () => true, options: NextEventOptions = {}): Promise<D> {
  const timeout = options.timeout ?? DEFAULT_NEXT_EVENT_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    const listener = (evt: Event): void => {
      const detail = (evt as CustomEvent<D>).detail
      if (!filter(detail)) { return }
      clearTimeout(timer)
      target.removeEventListener(type, listener)
      resolve(detail)
    }
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener)
      reject(new TimeoutError(`no matching "${type}" event within ${timeout} ms`))
    }, timeout)
    target.addEventListener(type, listener)
  })
}
