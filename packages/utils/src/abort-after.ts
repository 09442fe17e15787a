/** what a deadline ends: a stream, a connection, a negotiation */
export interface Abortable {
  abort(err: Error): void
}

/** all the deadlines of one duration: they expire in the order they were set */
interface Queue {
  entries: AbortDeadline[]
  head: number
  timer?: ReturnType<typeof setTimeout>
}

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
 * front leaves the queue at once.
 */
export function abortAfter (target: Abortable, ms: number, reason: (ms: number) => Error): AbortDeadline {
  let queue = queues.get(ms)
  if (queue === undefined) {
    queue = { entries: [], head: 0 }
    queues.set(ms, queue)
  }
  const deadline = new AbortDeadline(queue, performance.now() + ms, target, reason)
  queue.entries.push(deadline)
  if (queue.timer === undefined) { arm(queue, ms, ms) }
  return deadline
}

function arm (queue: Queue, ms: number, delay: number): void {
  const timer = setTimeout(() => { expire(queue, ms) }, delay)
  // in Node a pending deadline alone does not keep the process alive (browsers have no unref)
  ;(timer as { unref?(): void }).unref?.()
  queue.timer = timer
}

function expire (queue: Queue, ms: number): void {
  queue.timer = undefined
  const now = performance.now()
  while (queue.head < queue.entries.length) {
    const deadline = queue.entries[queue.head]
    if (deadline.target !== undefined && deadline.at > now) {
      arm(queue, ms, deadline.at - now)
      break
    }
    queue.head++
    deadline.expire(ms)
  }
  compact(queue)
}

function dropFinished (queue: Queue): void {
  while (queue.head < queue.entries.length && queue.entries[queue.head].target === undefined) {
    queue.head++
  }
  compact(queue)
}

function compact (queue: Queue): void {
  if (queue.head === queue.entries.length) {
    if (queue.head > 0) {
      queue.entries.length = 0
      queue.head = 0
    }
  } else if (queue.head >= 1024 && queue.head * 2 >= queue.entries.length) {
    queue.entries = queue.entries.slice(queue.head)
    queue.head = 0
  }
}
