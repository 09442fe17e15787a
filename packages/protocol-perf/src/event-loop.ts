/**
 * Let timers and I/O run. A send loop over a transport that always takes data at once (the
 * memory transport, a fast local pipe) would otherwise keep the event loop to itself.
 */
export async function yieldToEventLoop (): Promise<void> {
  await new Promise<void>(resolve => { setImmediate(resolve) })
}
