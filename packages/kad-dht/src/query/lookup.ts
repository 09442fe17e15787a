import { anySignal } from '@libp2p/utils'
import { compareCloseness, peerKadId } from '../kad-id.js'
import { EventTypes } from '../types.js'
import type { DisjointPath, QueryErrorEvent, QueryEvent } from '../types.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** candidates a path keeps, closest first: farther ones cannot be among the k closest that end it */
const MAX_CANDIDATES_PER_PATH = 8 * 20
/** RPCs one lookup may send: a network that keeps answering with ever-closer peers cannot keep it going */
export const MAX_QUERIES_PER_LOOKUP = 400

export interface QueryContext {
  signal: AbortSignal
  path: DisjointPath
  /**
   * the addresses the answer that named the peer gave (mapped), to dial it by; empty for a seed
   * from the routing table, whose addresses the peer store holds
   */
  multiaddrs?: Multiaddr[]
}

/**
 * Asks one peer. Yields the events of the exchange; a PEER_RESPONSE means the peer answered (its
 * `closer` peers join the lookup), a QUERY_ERROR or a throw means it failed.
 */
export type QueryFn = (peer: PeerId, context: QueryContext) => AsyncIterable<QueryEvent>

export interface LookupInit {
  /** the 32-byte kad id of the key looked up */
  target: Uint8Array
  /** where to start: the closest peers the routing table knows */
  seeds: PeerId[]
  self: PeerId
  /** the lookup ends when the k closest peers seen have answered (go's rule) */
  k: number
  /** requests in flight per path */
  alpha: number
  /** disjoint paths (S/Kademlia): no peer is asked by two paths */
  disjointPaths: number
  query: QueryFn
  signal: AbortSignal
}

type State = 'waiting' | 'querying' | 'answered' | 'failed'

interface Candidate {
  id: PeerId
  kadId: Uint8Array
  state: State
  /** from the answer that first named it */
  multiaddrs: Multiaddr[]
}

interface Path {
  index: number
  /** closest first */
  candidates: Candidate[]
  running: number
  done: boolean
}

/**
 * The iterative lookup of the spec: each path asks up to α of its closest not-yet-asked peers at
 * once, adds the closer peers they return, and ends when its k closest (failed peers left out)
 * have all answered or nothing is left to ask. Only peers among those k closest are asked, so no
 * request goes to a peer that could not change the result. Events of all requests are yielded as
 * they happen; leaving the iteration early aborts the requests in flight.
 */
export class Lookup {
  readonly #init: LookupInit
  readonly #paths: Path[]
  /** every peer any path has seen, so none is asked twice */
  readonly #seen = new Set<string>()
  #queries = 0

  constructor (init: LookupInit) {
    this.#init = init
    const count = Math.max(1, Math.min(init.disjointPaths, init.seeds.length))
    this.#paths = Array.from({ length: count }, (_, index) => ({ index, candidates: [], running: 0, done: false }))
    this.#seen.add(init.self.toString())
    // seeds, closest first, dealt round-robin so each path starts near the target
    const seeds = this.#fresh(init.seeds.map(id => ({ id, multiaddrs: [] }))).sort((a, b) => compareCloseness(init.target, a.kadId, b.kadId))
    seeds.forEach((c, i) => { this.#insert(this.#paths[i % count], c) })
  }

  /** the `count` closest peers that answered, closest first (complete once run() ended) */
  closest (count = this.#init.k): PeerId[] {
    return this.#paths.flatMap(p => p.candidates)
      .filter(c => c.state === 'answered')
      .sort((a, b) => compareCloseness(this.#init.target, a.kadId, b.kadId))
      .slice(0, count)
      .map(c => c.id)
  }

  async * run (): AsyncGenerator<QueryEvent, void, undefined> {
    const stop = new AbortController()
    const joined = anySignal(this.#init.signal, stop.signal)
    const signal = joined.signal
    const events: QueryEvent[] = []
    const wakeup = new Wakeup(signal)
    try {
      while (true) {
        signal.throwIfAborted()
        wakeup.reset()
        for (const path of this.#paths) { this.#advance(path, signal, (evt) => { events.push(evt); wakeup.notify() }, () => { wakeup.notify() }) }
        while (events.length > 0) { yield events.shift() as QueryEvent }
        if (this.#paths.every(p => p.done)) { return }
        await wakeup.wait()
      }
    } finally {
      stop.abort()
      joined.done()
    }
  }

  /** ends the path or starts requests to its closest waiting peers */
  #advance (path: Path, signal: AbortSignal, emit: (evt: QueryEvent) => void, settled: () => void): void {
    if (path.done) { return }
    const live = path.candidates.filter(c => c.state !== 'failed').slice(0, this.#init.k)
    const waiting = live.filter(c => c.state === 'waiting')
    if (live.every(c => c.state === 'answered') || (waiting.length === 0 && path.running === 0)) {
      path.done = true
      emit({ type: EventTypes.PATH_ENDED, name: 'PATH_ENDED', path: this.#pathInfo(path) })
      return
    }
    for (const candidate of waiting) {
      if (path.running >= this.#init.alpha || this.#queries >= MAX_QUERIES_PER_LOOKUP) { break }
      candidate.state = 'querying'
      path.running++
      this.#queries++
      // each request gets a signal of its own, aborted with the lookup's through one listener, so
      // α requests do not each hang a listener on the caller's signal
      const request = anySignal(signal)
      void this.#ask(path, candidate, request.signal, emit).finally(() => {
        request.done()
        path.running--
        settled()
      })
    }
    if (path.running === 0 && this.#queries >= MAX_QUERIES_PER_LOOKUP) {
      path.done = true
    }
  }

  async #ask (path: Path, candidate: Candidate, signal: AbortSignal, emit: (evt: QueryEvent) => void): Promise<void> {
    let answered = false
    try {
      for await (const evt of this.#init.query(candidate.id, { signal, path: this.#pathInfo(path), multiaddrs: candidate.multiaddrs })) {
        if (signal.aborted) { break }
        if (evt.type === EventTypes.QUERY_ERROR) {
          answered = false
        } else if (evt.type === EventTypes.PEER_RESPONSE) {
          answered = true
          for (const c of this.#fresh(evt.closer)) { this.#insert(path, c) }
        }
        emit(evt)
      }
    } catch (err: any) {
      answered = false
      if (!signal.aborted) { emit(queryError(candidate.id, err, this.#pathInfo(path))) }
    }
    candidate.state = answered ? 'answered' : 'failed'
  }

  /** candidates for the peers no path has seen yet (self excluded) */
  #fresh (peers: Array<{ id: PeerId, multiaddrs: Multiaddr[] }>): Candidate[] {
    const out: Candidate[] = []
    for (const { id, multiaddrs } of peers) {
      const key = id.toString()
      if (this.#seen.has(key)) { continue }
      this.#seen.add(key)
      out.push({ id, kadId: peerKadId(id), state: 'waiting', multiaddrs })
    }
    return out
  }

  /** sorted insertion; past the cap the farthest candidate not being asked is dropped */
  #insert (path: Path, candidate: Candidate): void {
    const list = path.candidates
    let at = list.length
    while (at > 0 && compareCloseness(this.#init.target, candidate.kadId, list[at - 1].kadId) < 0) { at-- }
    list.splice(at, 0, candidate)
    if (list.length > MAX_CANDIDATES_PER_PATH) {
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].state !== 'querying') {
          list.splice(i, 1)
          break
        }
      }
    }
  }

  #pathInfo (path: Path): DisjointPath {
    return {
      index: path.index,
      queued: path.candidates.filter(c => c.state === 'waiting').length,
      running: path.running,
      total: this.#paths.length
    }
  }
}

export function queryError (from: PeerId, err: unknown, path: DisjointPath): QueryErrorEvent {
  return {
    type: EventTypes.QUERY_ERROR,
    name: 'QUERY_ERROR',
    from,
    error: err instanceof Error ? err : new Error(String(err)),
    path
  }
}

/**
 * Wakes the lookup's loop when a request produced an event or settled. A notification that came
 * while the loop was busy (yielding) is kept, so the next wait returns at once.
 */
class Wakeup {
  readonly #signal: AbortSignal
  #notified = false
  #resolve?: () => void

  constructor (signal: AbortSignal) {
    this.#signal = signal
  }

  reset (): void {
    this.#notified = false
  }

  notify (): void {
    this.#notified = true
    this.#resolve?.()
  }

  /** resolves at the next notification (at once if one came since reset()) or when the signal aborts */
  async wait (): Promise<void> {
    if (this.#notified || this.#signal.aborted) { return }
    await new Promise<void>(resolve => {
      const done = (): void => {
        this.#resolve = undefined
        this.#signal.removeEventListener('abort', done)
        resolve()
      }
      this.#resolve = done
      this.#signal.addEventListener('abort', done, { once: true })
    })
  }
}
