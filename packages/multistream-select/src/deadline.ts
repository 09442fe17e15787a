import { TimeoutError } from '@libp2p/interface'

/** what a negotiation that may time out needs of its stream */
interface Abortable {
  abort(err: Error): void
}

/** all the deadlines of one duration: they expire in the order they were set */
interface Queue {
  entries: Deadline[]
  head: number
  timer?: ReturnType<typeof setTimeout>
}

const queues = new Map<number, Queue>()

/** a negotiation's deadline; cancel() once the negotiation finished */
export class Deadline {
  readonly at: number
  /** cleared when the negotiation finished in time: a finished deadline keeps nothing alive */
  stream?: Abortable
  readonly #queue: Queue

  constructor (queue: Queue, at: number, stream: Abortable) {
    this.#queue = queue
    this.at = at
    this.stream = stream
  }

  cancel (): void {
    if (this.stream === undefined) { return }
    this.stream = undefined
    dropFinished(this.#queue)
  }
}

/**
 * Abort `stream` with TimeoutError unless the negotiation finishes (cancel()) within `ms`.
 *
 * A node negotiates a protocol on every new stream, thousands per second, and almost every
 * negotiation finishes within a round trip: a timer (or an AbortSignal.timeout()) per negotiation
 * costs more than the negotiation. Deadlines of one duration expire in the order they are set, so
 * each duration has one queue and at most one timer, armed for the oldest pending deadline.
 */
export function abortAfter (stream: Abortable, ms: number): Deadline {
  let queue = queues.get(ms)
  if (queue === undefined) {
    queue = { entries: [], head: 0 }
    queues.set(ms, queue)
  }
  const deadline = new Deadline(queue, performance.now() + ms, stream)
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
    const stream = deadline.stream
    if (stream !== undefined && deadline.at > now) {
      arm(queue, ms, deadline.at - now)
      break
    }
    queue.head++
    deadline.stream = undefined
    stream?.abort(new TimeoutError(`multistream-select negotiation did not finish within ${ms} ms`))
  }
  compact(queue)
}

/** finished negotiations at the front leave the queue at once, so sequential use keeps it empty */
function dropFinished (queue: Queue): void {
  while (queue.head < queue.entries.length && queue.entries[queue.head].stream === undefined) {
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
