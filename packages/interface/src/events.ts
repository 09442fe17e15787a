/**
 * Typed wrappers over the platform EventTarget (present in Node >= 15 and browsers), so the
 * same event code runs everywhere and listeners are checked against an event map.
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

/**
 * An EventTarget that counts listeners (EventTarget cannot tell) and dispatches typed CustomEvents.
 * Counting lets hot paths skip building an event nobody listens to.
 */
export class TypedEventEmitter<EventMap extends Record<string, any>> extends EventTarget implements TypedEventTarget<EventMap> {
  readonly #listeners = new Map<any, number>()

  listenerCount (type: keyof EventMap): number {
    return this.#listeners.get(type) ?? 0
  }

  addEventListener<K extends keyof EventMap>(type: K, listener: EventHandler<EventMap[K]> | null, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type as string, listener as EventListener, options)
    this.#listeners.set(type, this.listenerCount(type) + 1)
  }

  removeEventListener<K extends keyof EventMap>(type: K, listener?: EventHandler<EventMap[K]> | null, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type as string, (listener ?? null) as EventListener | null, options)
    this.#listeners.set(type, Math.max(0, this.listenerCount(type) - 1))
  }

  dispatchEvent (event: Event): boolean {
    return super.dispatchEvent(event)
  }

  safeDispatchEvent<K extends keyof EventMap>(type: K, detail: CustomEventInit<any> = {}): boolean {
    return this.dispatchEvent(new CustomEvent(type as string, detail))
  }
}
