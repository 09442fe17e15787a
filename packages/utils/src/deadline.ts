/**
 * The one way to bound an operation in time or join abort signals (docs/CONVENTIONS.md, "Deadlines"):
 * `withTimeout(ms, what, ...signals)` gives a signal that aborts with a TimeoutError naming `what`
 * after `ms`, or with the reason of the first given signal that aborts; `anySignal(...signals)` is
 * the same without a timer; `abortAfter(target, ms, reason)` aborts an object (a stream, a
 * negotiation) after `ms` without making a signal at all, for hot paths. Each returns something to
 * call once the operation ended (`done()`, `cancel()`), which releases the timer and the listeners
 * at once rather than when the garbage collector gets to them (AbortSignal.any's way).
 */
import { TimeoutError } from '@libp2p/interface'
import { MAX_TIMER_MS } from './validate-init.js'

export interface Deadline {
  /** aborts with TimeoutError after the time, or with the reason of the first given signal that aborts */
  signal: AbortSignal
  /** clear the timer and the listeners */
  done(): void
}

/** what a deadline ends: a stream, a connection, a negotiation */
export interface Abortable {
  abort(err: Error): void
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

/**
 * A signal of its own that follows others until done(); the target of its own deadline, if any.
 * `signal` and `done` are own properties: callers destructure them (`const { signal, done } = ...`).
 */
class JoinedSignal implements Deadline, Abortable {
  readonly #controller = new AbortController()
  readonly #unfollow: Array<() => void> = []
  readonly signal = this.#controller.signal
  deadline?: AbortDeadline

  constructor (signals: Array<AbortSignal | undefined>) {
    for (const signal of signals) {
      if (signal == null) { continue }
      if (signal.aborted) {
        this.abort(signal.reason)
        break
      }
      this.#unfollow.push(followAbort(signal, reason => { this.abort(reason) }))
    }
  }

  abort (reason: unknown): void {
    this.#controller.abort(reason)
  }

  readonly done = (): void => {
    this.deadline?.cancel()
    for (const stop of this.#unfollow) { stop() }
    this.#unfollow.length = 0
  }
}

/** one signal aborted with the reason of the first of `signals` that aborts; call done() when finished */
export function anySignal (...signals: Array<AbortSignal | undefined>): Deadline {
  return new JoinedSignal(signals)
}

/** one signal for an operation: a deadline of `ms` plus any signals that may end it earlier */
export function withTimeout (ms: number, what: string, ...signals: Array<AbortSignal | undefined>): Deadline {
  const joined = new JoinedSignal(signals)
  if (!joined.signal.aborted) {
    joined.deadline = abortAfter(joined, ms, ms => new TimeoutError(`${what} did not finish within ${ms} ms`))
  }
  return joined
}

/** all the deadlines of one duration: they expire in the order they were set */
interface Queue {
  ms: number
  entries: AbortDeadline[]
  head: number
  timer?: ReturnType<typeof setTimeout>
}

/**
 * A queue stays until its timer finds it empty: computed durations (a remaining budget) are all
 * different, and would otherwise each leave a queue behind.
 */
const queues = new Map<number, Queue>()

/** a pending deadline; cancel() once the work finished in time */
export class AbortDeadline {
  readonly at: number
  /** cleared when cancelled or expired: a finished deadline keeps nothing alive */
  target?: Abortable
  readonly #reason: (ms: number) => Error
  readonly #queue: Queue

  constructor (queue: Queue, at: number, target: Abortable, reason: (ms: number) => Error) {
    this.#queue = queue
    this.at = at
    this.target = target
    this.#reason = reason
  }

  cancel (): void {
    if (this.target === undefined) { return }
    this.target = undefined
    dropFinished(this.#queue)
  }

  /** the error the target was aborted with, once the deadline passed */
  error?: Error

  /** the deadline passed (called by the queue) */
  expire (ms: number): void {
    const target = this.target
    if (target === undefined) { return }
    this.target = undefined
    this.error = this.#reason(ms)
    target.abort(this.error)
  }
}

/**
 * Abort `target` with `reason(ms)` unless cancel() is called within `ms`.
 *
 * For deadlines set thousands of times per second that nearly always finish in time (a stream's
 * protocol negotiation, a stream's close): a timer, or an AbortSignal.timeout() and the
 * AbortSignal.any() that joins it to the caller's signal, per operation costs more than the
 * operation. Deadlines of one duration expire in the order they are set, so each duration has one
 * queue and at most one timer, armed for the oldest pending deadline; a cancelled deadline at the
 * front leaves the queue at once. In Node a pending deadline alone does not keep the process alive
 * (as AbortSignal.timeout()).
 */
export function abortAfter (target: Abortable, ms: number, reason: (ms: number) => Error): AbortDeadline {
  let queue = queues.get(ms)
  if (queue === undefined) {
    queue = { ms, entries: [], head: 0 }
    queues.set(ms, queue)
  }
  const deadline = new AbortDeadline(queue, performance.now() + ms, target, reason)
  queue.entries.push(deadline)
  if (queue.timer === undefined) { arm(queue, ms) }
  return deadline
}

function arm (queue: Queue, delay: number): void {
  const timer = setTimeout(() => { expire(queue) }, Math.min(Math.max(delay, 0), MAX_TIMER_MS))
  // a deadline past the longest timer re-arms until it is due; browsers have no unref
  ;(timer as { unref?(): void }).unref?.()
  queue.timer = timer
}

function expire (queue: Queue): void {
  queue.timer = undefined
  const now = performance.now()
  while (queue.head < queue.entries.length) {
    const deadline = queue.entries[queue.head]
    if (deadline.target !== undefined && deadline.at > now) {
      arm(queue, deadline.at - now)
      break
    }
    queue.head++
    deadline.expire(queue.ms)
  }
  compact(queue)
  // a duration with nothing pending when its timer fires is forgotten
  if (queue.timer === undefined && queues.get(queue.ms) === queue) { queues.delete(queue.ms) }
}

function dropFinished (queue: Queue): void {
  while (queue.head < queue.entries.length && queue.entries[queue.head].target === undefined) {
    queue.head++
  }
  compact(queue)
}

function compact (queue: Queue): void {
  if (queue.head === queue.entries.length) {
    // the timer stays armed: the next deadline of this duration, usually soon, reuses it
    queue.entries.length = 0
    queue.head = 0
  } else if (queue.head >= 1024 && queue.head * 2 >= queue.entries.length) {
    queue.entries = queue.entries.slice(queue.head)
    queue.head = 0
  }
}
