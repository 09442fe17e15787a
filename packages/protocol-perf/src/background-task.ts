/**
 * A promise that runs on its own while someone polls it: `settled` can be read at any time,
 * `sleep(ms)` waits for ms or until the promise settles, and nothing ever rejects unhandled.
 */
export class BackgroundTask {
  settled = false
  failed = false
  error: unknown
  /** resolves (never rejects) once the task has settled */
  readonly done: Promise<void>
  #wake?: () => void

  constructor (work: Promise<void>) {
    this.done = work.then(() => {
      this.settled = true
      this.#wake?.()
    }, (err: unknown) => {
      this.settled = true
      this.failed = true
      this.error = err
      this.#wake?.()
    })
  }

  /** wait `ms`, or less if the task settles first */
  async sleep (ms: number): Promise<void> {
    if (this.settled) { return }
    let timer: ReturnType<typeof setTimeout> | undefined
    await new Promise<void>(resolve => {
      this.#wake = resolve
      timer = setTimeout(resolve, ms)
    })
    clearTimeout(timer)
    this.#wake = undefined
  }
}
