import { EVENTS_HEARTBEAT_MS, EVENTS_MAX_BUFFERED_BYTES, STATUS_DEBOUNCE_MS, STATUS_REFRESH_MS } from './constants.js'
import { sendText } from './respond.js'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** the node events after which the status is sent again at once (rather than at the next refresh) */
// peer:update: the relay tags a peer when it reserves and untags it when the reservation ends
export const STATUS_EVENTS = ['connection:open', 'connection:close', 'self:peer:update', 'peer:identify', 'peer:update'] as const

export interface StatusEventSource {
  addEventListener(type: typeof STATUS_EVENTS[number], listener: () => void): void
  removeEventListener(type: typeof STATUS_EVENTS[number], listener: () => void): void
}

export interface StatusEventsInit {
  /** the node whose events trigger an update */
  events: StatusEventSource
  /** the current status as the JSON text sent to pages */
  snapshot(): string
  /** clients at once; one more is answered 503 */
  maxClients: number
}

/**
 * `/events`: the status as server-sent events. Each page gets the status when it connects, then
 * again whenever it changed: at once (debounced) after a connection opened or closed or the
 * node's addresses changed, and otherwise at the next refresh (the DHT table and the relay's
 * counts raise no event). An unchanged status is not sent again. The timers run only while a
 * page follows, and a page that stops reading is dropped before its buffer passes
 * EVENTS_MAX_BUFFERED_BYTES.
 */
export class StatusEvents {
  readonly #init: StatusEventsInit
  readonly #clients = new Set<ServerResponse>()
  readonly #onEvent = (): void => { this.#schedule() }
  #last = ''
  #debounce?: ReturnType<typeof setTimeout>
  #refresh?: ReturnType<typeof setInterval>
  #heartbeat?: ReturnType<typeof setInterval>

  constructor (init: StatusEventsInit) {
    this.#init = init
  }

  get clientCount (): number {
    return this.#clients.size
  }

  /** takes `res` as an event stream, or answers 503 when maxClients pages already follow */
  add (req: IncomingMessage, res: ServerResponse): void {
    if (this.#clients.size >= this.#init.maxClients) {
      sendText(res, 503, `at most ${this.#init.maxClients} pages may follow /events at once (httpMaxEventClients)\n`, { 'Retry-After': '10' })
      return
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      // nginx buffers responses unless told not to; a proxied page would then never update
      'X-Accel-Buffering': 'no'
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    if (this.#clients.size === 0) { this.#follow() }
    // pages already following get a change first, so the one remembered is what all have seen
    this.#send()
    this.#clients.add(res)
    res.once('close', () => { this.#remove(res) })
    this.#write(res, this.#message(this.#last))
  }

  /** ends every event stream and stops following the node */
  close (): void {
    for (const res of [...this.#clients]) {
      res.end()
      this.#remove(res)
    }
  }

  #follow (): void {
    for (const type of STATUS_EVENTS) { this.#init.events.addEventListener(type, this.#onEvent) }
    this.#refresh = setInterval(() => { this.#send() }, STATUS_REFRESH_MS)
    this.#heartbeat = setInterval(() => { this.#broadcast(': keep-alive\n\n') }, EVENTS_HEARTBEAT_MS)
    // a page left open must not keep a stopping process alive
    this.#refresh.unref()
    this.#heartbeat.unref()
  }

  #unfollow (): void {
    for (const type of STATUS_EVENTS) { this.#init.events.removeEventListener(type, this.#onEvent) }
    clearInterval(this.#refresh)
    clearInterval(this.#heartbeat)
    clearTimeout(this.#debounce)
    this.#debounce = undefined
  }

  #remove (res: ServerResponse): void {
    if (!this.#clients.delete(res)) { return }
    if (this.#clients.size === 0) { this.#unfollow() }
  }

  #schedule (): void {
    if (this.#debounce != null) { return }
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined
      this.#send()
    }, STATUS_DEBOUNCE_MS)
    this.#debounce.unref()
  }

  #send (): void {
    const current = this.#init.snapshot()
    if (current === this.#last) { return }
    this.#last = current
    this.#broadcast(this.#message(current))
  }

  #message (json: string): string {
    return `event: status\ndata: ${json}\n\n`
  }

  #broadcast (text: string): void {
    for (const res of [...this.#clients]) { this.#write(res, text) }
  }

  #write (res: ServerResponse, text: string): void {
    if (res.writableLength > EVENTS_MAX_BUFFERED_BYTES) {
      res.destroy()
      this.#remove(res)
      return
    }
    res.write(text)
  }
}
