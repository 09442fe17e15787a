import type { Uint8ArrayList } from 'uint8arraylist'

/**
 * Typed event targets, so listeners are checked against an event map. The same code runs in Node
 * and browsers.
 */

export interface EventCallback<E> { (evt: E): void }
export interface EventObject<E> { handleEvent: EventCallback<E> }
export type EventHandler<E> = EventCallback<E> | EventObject<E>

export interface TypedEventTarget<EventMap extends Record<string, any>> extends EventTarget {
  addEventListener<K extends keyof EventMap>(type: K, listener: EventHandler<EventMap[K]> | null, options?: boolean | AddEventListenerOptions): void
  removeEventListener<K extends keyof EventMap>(type: K, listener?: EventHandler<EventMap[K]> | null, options?: boolean | EventListenerOptions): void
  listenerCount(type: keyof EventMap): number
  /** dispatches a CustomEvent carrying `detail`; returns false if a listener called preventDefault */
  safeDispatchEvent<K extends keyof EventMap>(type: K, detail?: CustomEventInit<EventMap[K] extends CustomEvent<infer D> ? D : unknown>): boolean
}

interface Registration {
  type: string
  callback: EventHandler<any>
  capture: boolean
  once: boolean
  /** set when it was removed, so a dispatch already under way skips it */
  removed: boolean
  signal?: AbortSignal
  onAbort?(): void
}

/**
 * The events safeDispatchEvent() makes: a CustomEvent whose target and immediate-propagation stop
 * the emitter can set cheaply (redefining them on an arbitrary Event costs a microsecond).
 */
export class EmitterEvent<D = null> extends CustomEvent<D> {
  #target: EventTarget | null = null
  #stopped = false

  get target (): EventTarget | null {
    return this.#target
  }

  get currentTarget (): EventTarget | null {
    return this.#target
  }

  stopImmediatePropagation (): void {
    this.#stopped = true
    super.stopImmediatePropagation()
  }

  static setTarget (event: EmitterEvent<unknown>, target: EventTarget): void {
    event.#target = target
  }

  static isStopped (event: EmitterEvent<unknown>): boolean {
    return event.#stopped
  }
}

/** Data from the remote (js-libp2p 3's StreamMessageEvent: the bytes are in `data`) */
export class StreamMessageEvent extends EmitterEvent {
  readonly data: Uint8Array | Uint8ArrayList

  constructor (data: Uint8Array | Uint8ArrayList, eventInitDict?: EventInit) {
    super('message', eventInitDict)
    this.data = data
  }
}

/**
 * A stream or connection reached a final status (js-libp2p 3's StreamCloseEvent): `error` is set
 * when it was aborted (`local` true) or reset by the remote (`local` false). `detail.error` carries
 * the same error, for listeners written against a CustomEvent.
 */
export class StreamCloseEvent extends EmitterEvent<{ error?: Error }> {
  readonly error?: Error
  readonly local?: boolean

  constructor (local?: boolean, error?: Error, eventInitDict?: EventInit) {
    super('close', { ...eventInitDict, detail: { error } })
    this.error = error
    this.local = local
  }
}

/** closed by this side's abort(err) */
export class StreamAbortEvent extends StreamCloseEvent {
  constructor (error: Error, eventInitDict?: EventInit) {
    super(true, error, eventInitDict)
  }
}

/** reset by the remote */
export class StreamResetEvent extends StreamCloseEvent {
  constructor (error: Error, eventInitDict?: EventInit) {
    super(false, error, eventInitDict)
  }
}

/** a listener's exception does not stop the dispatch; it is reported like an uncaught one, as EventTarget does */
function report (err: unknown): void {
  queueMicrotask(() => { throw err })
}

/**
 * The EventTarget contract (listener objects or functions, `once`, `capture` in matching, `signal`,
 * duplicates ignored, listeners added during a dispatch not called by it, removed ones skipped,
 * `target`/`currentTarget` set, stopImmediatePropagation(), a throwing listener reported as
 * uncaught without stopping the others), implemented in plain JavaScript instead of by extending
 * the platform's EventTarget.
 *
 * Every connection has several of these (the socket's stream, the encrypted stream, the muxer, the
 * connection, each stream), most of them with one or two listeners for their whole life. Node's
 * EventTarget gives each instance two Maps and a handful of symbol properties (~600 bytes) whether
 * anything listens or not; here an instance with no listener carries one undefined field, and one
 * with listeners an array of them. Dispatching is also cheaper. Listeners are counted, so hot paths
 * can skip building an event nobody listens to.
 */
export class TypedEventEmitter<EventMap extends Record<string, any>> implements TypedEventTarget<EventMap> {
  #registrations?: Registration[]

  listenerCount (type: keyof EventMap): number {
    const registrations = this.#registrations
    if (registrations === undefined) { return 0 }
    let n = 0
    for (let i = 0; i < registrations.length; i++) {
      if (registrations[i].type === type) { n++ }
    }
    return n
  }

  addEventListener<K extends keyof EventMap>(type: K, listener: EventHandler<EventMap[K]> | null, options?: boolean | AddEventListenerOptions): void {
    if (listener == null) { return }
    const capture = typeof options === 'boolean' ? options : options?.capture === true
    const once = typeof options === 'object' && options.once === true
    const signal = typeof options === 'object' ? options.signal : undefined
    if (signal?.aborted === true) { return }
    if (this.#find(type as string, listener, capture) !== -1) { return }
    const registration: Registration = { type: type as string, callback: listener, capture, once, removed: false }
    if (signal != null) {
      registration.signal = signal
      registration.onAbort = () => { this.#remove(registration) }
      signal.addEventListener('abort', registration.onAbort, { once: true })
    }
    if (this.#registrations === undefined) {
      this.#registrations = [registration]
    } else {
      this.#registrations.push(registration)
    }
  }

  removeEventListener<K extends keyof EventMap>(type: K, listener?: EventHandler<EventMap[K]> | null, options?: boolean | EventListenerOptions): void {
    if (listener == null || this.#registrations === undefined) { return }
    const capture = typeof options === 'boolean' ? options : options?.capture === true
    const i = this.#find(type as string, listener, capture)
    if (i !== -1) { this.#remove(this.#registrations[i]) }
  }

  dispatchEvent (event: Event): boolean {
    const registrations = this.#registrations
    if (registrations === undefined) { return !event.defaultPrevented }
    // the listeners registered now: one added by a listener waits for the next dispatch
    let first: Registration | undefined
    let more: Registration[] | undefined
    for (let i = 0; i < registrations.length; i++) {
      const registration = registrations[i]
      if (registration.type !== event.type) { continue }
      if (first === undefined) {
        first = registration
      } else {
        if (more === undefined) { more = [] }
        more.push(registration)
      }
    }
    if (first === undefined) { return !event.defaultPrevented }
    const own = event instanceof EmitterEvent
    let stopped: (() => boolean) | undefined
    if (own) {
      EmitterEvent.setTarget(event, this)
    } else {
      stopped = this.#shadowTarget(event)
    }
    this.#invoke(first, event)
    if (more !== undefined) {
      for (let i = 0; i < more.length; i++) {
        if (own ? EmitterEvent.isStopped(event) : stopped?.() === true) { break }
        this.#invoke(more[i], event)
      }
    }
    return !event.defaultPrevented
  }

  safeDispatchEvent<K extends keyof EventMap>(type: K, detail: CustomEventInit<any> = {}): boolean {
    return this.dispatchEvent(new EmitterEvent(type as string, detail))
  }

  /** an Event made elsewhere: its target and stop flag are the platform's, so shadow them */
  #shadowTarget (event: Event): () => boolean {
    let stopped = false
    const stop = event.stopImmediatePropagation
    Object.defineProperties(event, {
      target: { value: this, configurable: true },
      currentTarget: { value: this, configurable: true },
      stopImmediatePropagation: {
        value: () => {
          stopped = true
          stop.call(event)
        },
        configurable: true
      }
    })
    return () => stopped
  }

  #invoke (registration: Registration, event: Event): void {
    if (registration.removed) { return }
    if (registration.once) { this.#remove(registration) }
    try {
      const callback = registration.callback
      const result: unknown = typeof callback === 'function'
        ? callback.call(this, event)
        : callback.handleEvent(event)
      // like EventTarget, a listener's rejected promise is reported rather than lost
      if (result != null && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(undefined, report)
      }
    } catch (err) {
      report(err)
    }
  }

  #find (type: string, callback: EventHandler<any>, capture: boolean): number {
    const registrations = this.#registrations
    if (registrations === undefined) { return -1 }
    for (let i = 0; i < registrations.length; i++) {
      const r = registrations[i]
      if (r.type === type && r.callback === callback && r.capture === capture) { return i }
    }
    return -1
  }

  #remove (registration: Registration): void {
    if (registration.removed) { return }
    registration.removed = true
    if (registration.signal != null && registration.onAbort != null) {
      registration.signal.removeEventListener('abort', registration.onAbort)
    }
    const registrations = this.#registrations
    if (registrations === undefined) { return }
    const i = registrations.indexOf(registration)
    if (i !== -1) { registrations.splice(i, 1) }
    if (registrations.length === 0) { this.#registrations = undefined }
  }
}
