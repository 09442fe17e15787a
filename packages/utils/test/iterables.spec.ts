import { expect } from 'aegir/chai'
import { mapConcurrently, mergeIterables } from '../src/iterables.js'

/** a source whose values are released by hand, which records what was asked of it */
function manual<T> (): { source: AsyncIterable<T>, push(value: T): void, end(): void, fail(err: Error): void, pulls(): number, returned(): boolean } {
  const queue: Array<IteratorResult<T> | Error> = []
  let waiting: ((r: IteratorResult<T> | Error) => void) | undefined
  let pulls = 0
  let returned = false
  const deliver = (r: IteratorResult<T> | Error): void => {
    if (waiting != null) {
      const w = waiting
      waiting = undefined
      w(r)
    } else { queue.push(r) }
  }
  const source: AsyncIterable<T> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        pulls++
        const r = queue.shift() ?? await new Promise<IteratorResult<T> | Error>(resolve => { waiting = resolve })
        if (r instanceof Error) { throw r }
        return r
      },
      return: async () => { returned = true; return { done: true, value: undefined } }
    })
  }
  return {
    source,
    push: (value) => { deliver({ done: false, value }) },
    end: () => { deliver({ done: true, value: undefined }) },
    fail: (err) => { deliver(err) },
    pulls: () => pulls,
    returned: () => returned
  }
}

/** lets pending promise callbacks run until `condition` holds (bounded: these tests use no timers) */
async function settle (condition: () => boolean): Promise<void> {
  for (let turns = 0; turns < 1000; turns++) {
    if (condition()) { return }
    await Promise.resolve()
  }
  throw new Error('condition not reached')
}

describe('mergeIterables', () => {
  it('yields values in the order the sources produce them, from sync and async sources', async () => {
    const a = manual<number>()
    const merged = mergeIterables<number>(a.source, [10, 11])
    const out: number[] = []
    const done = (async () => { for await (const v of merged) { out.push(v) } })()
    a.push(1)
    a.push(2)
    a.end()
    await done
    expect(out.sort((x, y) => x - y)).to.deep.equal([1, 2, 10, 11])
  })

  it('asks each source for one value ahead at most', async () => {
    const a = manual<number>()
    const merged = mergeIterables(a.source)
    const first = merged.next()
    a.push(1)
    expect(await first).to.deep.equal({ done: false, value: 1 })
    // one pull for the value taken, one outstanding for the next: no more
    expect(a.pulls()).to.equal(2)
    a.push(2)
    a.push(3)
    expect(a.pulls()).to.equal(2)
    await merged.return()
  })

  it('ends with the first error and returns the other sources', async () => {
    const a = manual<number>()
    const b = manual<number>()
    const merged = mergeIterables(a.source, b.source)
    const next = merged.next()
    a.fail(new Error('boom'))
    await expect(next).to.eventually.be.rejectedWith('boom')
    expect(b.returned()).to.equal(true)
  })

  it('leaving early returns the unfinished sources', async () => {
    const a = manual<number>()
    const b = manual<number>()
    a.push(1)
    const merged = mergeIterables(a.source, b.source)
    expect(await merged.next()).to.deep.equal({ done: false, value: 1 })
    await merged.return()
    expect(a.returned()).to.equal(true)
    expect(b.returned()).to.equal(true)
  })
})

describe('mapConcurrently', () => {
  it('runs at most `concurrency` calls at once and yields results as they complete', async () => {
    let running = 0
    let most = 0
    const release: Array<() => void> = []
    const fn = async (v: number): Promise<number> => {
      running++
      most = Math.max(most, running)
      await new Promise<void>(resolve => release.push(resolve))
      running--
      return v * 10
    }
    const results = mapConcurrently([1, 2, 3, 4, 5], fn, 2)
    const out: number[] = []
    const done = (async () => { for await (const r of results) { out.push(r) } })()
    // each time the slots are as full as they can be, release the latest call
    for (let released = 0; released < 5; released++) {
      await settle(() => release.length === Math.min(2, 5 - released))
      release.pop()?.()
    }
    await done
    expect(most).to.equal(2)
    expect(out.sort((x, y) => x - y)).to.deep.equal([10, 20, 30, 40, 50])
  })

  it('does not pull the source while every slot is busy', async () => {
    const a = manual<number>()
    const never = async (): Promise<number> => new Promise(() => {})
    const results = mapConcurrently(a.source, never, 1)
    void results.next()
    a.push(1)
    a.push(2)
    await settle(() => a.pulls() === 1)
    // and nothing more happens once everything pending has run
    for (let i = 0; i < 20; i++) { await Promise.resolve() }
    expect(a.pulls()).to.equal(1)
  })

  it('an error of fn ends the iteration with it', async () => {
    const fail = async (v: number): Promise<number> => { if (v === 2) { throw new Error('bad 2') } return v }
    const results = mapConcurrently([1, 2, 3], fail, 3)
    const drain = async (): Promise<void> => {
      while ((await results.next()).done !== true) { /* until the error */ }
    }
    await expect(drain()).to.eventually.be.rejectedWith('bad 2')
  })

  it('refuses a concurrency below 1', async () => {
    await expect(mapConcurrently([1], async v => v, 0).next()).to.eventually.be.rejectedWith(RangeError)
  })
})
