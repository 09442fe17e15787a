/**
 * @packageDocumentation
 *
 * Waiting in tests for state that changes without an event of its own:
 *
 * ```ts
 * import { until } from '@libp2p/interface-compliance-tests/wait'
 *
 * await until(() => node.getConnections().length === 0, 'every connection closed', { timeout: 5_000 })
 * ```
 */
import { TimeoutError } from '@libp2p/interface'

/** how long until() waits by default, in ms */
export const DEFAULT_UNTIL_TIMEOUT_MS = 10_000

/** how often until() checks its condition by default, in ms */
export const DEFAULT_UNTIL_INTERVAL_MS = 1

export interface UntilOptions {
  /** give up after this many ms (default 10 000) */
  timeout?: number
  /** check the condition this often, in ms (default 1) */
  interval?: number
}

/**
 * Resolves as soon as `condition()` holds (or the promise it returns resolves true), checking it now
 * and then every `interval` ms; rejects
 * with a TimeoutError naming `what` when it still does not hold after `timeout` ms. A condition
 * that throws rejects with its error.
 */
export async function until (condition: () => boolean | Promise<boolean>, what: string, options: UntilOptions = {}): Promise<void> {
  const timeout = options.timeout ?? DEFAULT_UNTIL_TIMEOUT_MS
  const interval = options.interval ?? DEFAULT_UNTIL_INTERVAL_MS
  const deadline = Date.now() + timeout
  while (!(await condition())) {
    if (Date.now() >= deadline) {
      throw new TimeoutError(`gave up waiting until ${what}: not within ${timeout} ms`)
    }
    await new Promise<void>((resolve) => { setTimeout(resolve, interval) })
  }
}
