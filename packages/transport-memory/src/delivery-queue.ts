/**
 * Runs callbacks `delayMs` after they were pushed, in push order. One timer at a time: the
 * head's. When it fires, the head runs and so does every later item already due, so two chunks
 * sent in one tick can never overtake each other, whatever the platform's timer ordering.
 */
export class DeliveryQueue {
  readonly #delayMs: number
  readonly #items: Array<{ due: number, run(): void }> = []
  #head = 0
  #timer?: ReturnType<typeof setTimeout>

  constructor (delayMs: number) {
    this.#delayMs = delayMs
  }

  /** items pushed and not yet run */
  get size (): number {
    return this.#items.length - this.#head
  }

  push (run: () => void): void {
    this.#items.push({ due: Date.now() + this.#delayMs, run })
    if (this.#timer == null) { this.#arm() }
  }

  #arm (): void {
    const wait = Math.max(0, this.#items[this.#head].due - Date.now())
    this.#timer = setTimeout(() => { this.#fire() }, wait)
  }

  #fire (): void {
    this.#timer = undefined
    const now = Date.now()
    let first = true
    try {
      while (this.size > 0 && (first || this.#items[this.#head].due <= now)) {
        first = false
        this.#items[this.#head++].run()
      }
    } finally {
      // a throwing callback is a bug and surfaces as one, but the items after it still run
      this.#compact()
      if (this.size > 0) { this.#arm() }
    }
  }

  #compact (): void {
    if (this.size === 0) {
      this.#items.length = 0
      this.#head = 0
    } else if (this.#head > 1024) {
      this.#items.splice(0, this.#head)
      this.#head = 0
    }
  }
}
