const waiting: Array<() => void> = []
let channel: MessageChannel | undefined

/**
 * Let timers and I/O run (see event-loop.ts). Browsers have no setImmediate and clamp nested
 * setTimeout(0) to 4 ms, so a message to ourselves is the next-task hop.
 */
export async function yieldToEventLoop (): Promise<void> {
  if (channel == null) {
    channel = new MessageChannel()
    channel.port1.onmessage = () => { waiting.shift()?.() }
  }
  const port = channel.port2
  await new Promise<void>(resolve => {
    waiting.push(resolve)
    port.postMessage(null)
  })
}
