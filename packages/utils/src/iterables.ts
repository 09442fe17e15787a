/** Helpers over async iterables, each bounded in what it holds */

type Settled<T> = { index: number, result: IteratorResult<T> } | { index: number, error: unknown }

/**
 * Yields the values of several (async) iterables in the order they are produced. Each source is
 * asked for one value ahead at most, so the merge buffers no more than one value per source. The
 * first error of any source ends the merge with that error; leaving the loop early (break, return,
 * throw) or an error returns every source that has not finished.
 */
export async function * mergeIterables<T> (...sources: Array<AsyncIterable<T> | Iterable<T>>): AsyncGenerator<T, void, undefined> {
  const iterators = sources.map(s => asyncIteratorOf(s))
  const pending = new Map<number, Promise<Settled<T>>>()
  const pull = (index: number): void => {
    // settles with the error instead of rejecting: a source that fails after the merge ended must
    // not become an unhandled rejection
    pending.set(index, iterators[index].next().then(
      result => ({ index, result }),
      error => ({ index, error })
    ))
  }
  iterators.forEach((_, index) => { pull(index) })
  try {
    while (pending.size > 0) {
      const settled = await Promise.race(pending.values())
      pending.delete(settled.index)
      if ('error' in settled) { throw settled.error }
      if (settled.result.done === true) { continue }
      pull(settled.index)
      yield settled.result.value
    }
  } finally {
    for (const index of pending.keys()) {
      void iterators[index].return?.()?.catch(() => {})
    }
  }
}

type Step<T, R> =
  | { kind: 'source', result: IteratorResult<T> }
  | { kind: 'result', id: number, value: R }
  | { kind: 'error', error: unknown }

/**
 * Runs `fn` on each value of `source`, at most `concurrency` at a time, and yields the results in
 * the order they complete. The source is pulled only while a slot is free, so at most
 * `concurrency` values are in hand. The first error (of the source or of `fn`) ends the
 * iteration with that error; leaving early returns the source. Work already started is not
 * cancelled here: pass `fn` a signal of your own for that.
 */
export async function * mapConcurrently<T, R> (source: AsyncIterable<T> | Iterable<T>, fn: (value: T) => Promise<R>, concurrency: number): AsyncGenerator<R, void, undefined> {
  if (!(concurrency >= 1)) { throw new RangeError('concurrency must be at least 1') }
  const iterator = asyncIteratorOf(source)
  const running = new Map<number, Promise<Step<T, R>>>()
  let pulling: Promise<Step<T, R>> | undefined
  let sourceDone = false
  let nextId = 0
  try {
    while (true) {
      if (!sourceDone && pulling == null && running.size < concurrency) {
        pulling = iterator.next().then(result => ({ kind: 'source', result }), error => ({ kind: 'error', error }))
      }
      const waiting = pulling == null ? [...running.values()] : [pulling, ...running.values()]
      if (waiting.length === 0) { return }
      const step = await Promise.race(waiting)
      if (step.kind === 'error') { throw step.error }
      if (step.kind === 'result') {
        running.delete(step.id)
        yield step.value
        continue
      }
      pulling = undefined
      if (step.result.done === true) {
        sourceDone = true
        continue
      }
      const id = nextId++
      running.set(id, fn(step.result.value).then(value => ({ kind: 'result', id, value }), error => ({ kind: 'error', error })))
    }
  } finally {
    if (!sourceDone) { void iterator.return?.()?.catch(() => {}) }
  }
}

/** iterates a sync iterator through the async protocol */
function toAsync<T> (iterator: Iterator<T>): AsyncIterator<T> {
  return {
    async next () { return iterator.next() },
    async return () { return iterator.return?.() ?? { done: true, value: undefined } }
  }
}

function asyncIteratorOf<T> (source: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  return Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : toAsync(source[Symbol.iterator]())
}
