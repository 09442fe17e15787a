import { AbortError } from '@libp2p/interface'

export function throwIfAborted (signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted === true) {
    throw new AbortError(`${what} was aborted`)
  }
}

/** wait `ms`, or reject with AbortError when the signal fires */
export async function delay (ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  throwIfAborted(signal, what)
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new AbortError(`${what} was aborted`))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Settle with `promise`, or reject with AbortError as soon as the signal fires. A result that
 * arrives after the abort goes to `onLate` so it can be released.
 */
export async function raceSignal<T> (promise: Promise<T>, signal: AbortSignal | undefined, what: string, onLate: (value: T) => void): Promise<T> {
  if (signal == null) { return promise }
  throwIfAborted(signal, what)
  return new Promise<T>((resolve, reject) => {
    let settled = false
    const onAbort = (): void => {
      settled = true
      reject(new AbortError(`${what} was aborted`))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then((value) => {
      signal.removeEventListener('abort', onAbort)
      if (settled) { onLate(value) } else { settled = true; resolve(value) }
    }, (err) => {
      signal.removeEventListener('abort', onAbort)
      if (!settled) { settled = true; reject(err) }
    })
  })
}
