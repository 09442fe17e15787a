/**
 * A status line for long operations (a DHT query, waiting for a reservation) on a terminal:
 * rewritten in place on stderr, cleared before results are printed. When stderr is not a TTY
 * (piped, a test, a log file) it prints nothing at all, so scripts see only results and errors.
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream
  readonly #enabled: boolean
  #shown = false

  constructor (stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream
    this.#enabled = stream.isTTY === true
  }

  show (text: string): void {
    if (!this.#enabled) { return }
    // carriage return, erase the line: the next status replaces this one
    const width = this.#stream.columns ?? 80
    this.#stream.write(`\r\x1b[2K${text.length >= width ? text.slice(0, width - 1) : text}`)
    this.#shown = true
  }

  clear (): void {
    if (!this.#shown) { return }
    this.#stream.write('\r\x1b[2K')
    this.#shown = false
  }
}
