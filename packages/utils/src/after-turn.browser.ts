// browsers have no setImmediate, and setTimeout(0) is clamped to 4 ms once nested: a message to
// ourselves is the task that runs right after the current one
const queue: Array<() => void> = []
let channel: MessageChannel | undefined

function runQueue (): void {
  const fns = queue.splice(0)
  for (const fn of fns) {
    try {
      fn()
    } catch (err) {
      queueMicrotask(() => { throw err })
    }
  }
}

/** Run `fn` once the current task and its microtasks are over */
export function afterTurn (fn: () => void): void {
  queue.push(fn)
  if (queue.length > 1) { return }
  if (channel === undefined) {
    channel = new MessageChannel()
    channel.port1.onmessage = runQueue
  }
  channel.port2.postMessage(null)
}
