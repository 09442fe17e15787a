import { ProtocolError } from '@libp2p/interface'
import { HEADER_BYTES, YIELD_EVERY_BYTES } from './constants.js'
import { yieldToEventLoop } from './event-loop.js'
import type { MessageStream } from '@libp2p/interface'

/** bytes moved on one perf stream, named from the client's point of view on both sides */
export interface TransferCounters {
  /** client → server */
  uploadBytes: number
  /** server → client */
  downloadBytes: number
}

export type Direction = keyof TransferCounters

/** the request header: `bytes` as a big-endian u64 */
export function encodeHeader (bytes: number | bigint): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES)
  new DataView(header.buffer).setBigUint64(0, BigInt(bytes), false)
  return header
}

/**
 * Send `count` bytes from `chunk` (a buffer that is never written to, so every send can pass
 * the same memory along), honouring back-pressure. `counters[direction]` grows as bytes are
 * queued, which is what the watchdog and the reports sample.
 */
export async function writeBytes (stream: MessageStream, chunk: Uint8Array, count: number, counters: TransferCounters, direction: Direction): Promise<void> {
  const size = chunk.byteLength
  let left = count
  let sinceYield = 0
  while (left >= size) {
    left -= size
    counters[direction] += size
    if (!stream.send(chunk)) { await stream.onDrain() }
    sinceYield += size
    if (sinceYield >= YIELD_EVERY_BYTES) {
      sinceYield = 0
      await yieldToEventLoop()
    }
  }
  if (left > 0) {
    counters[direction] += left
    if (!stream.send(chunk.subarray(0, left))) { await stream.onDrain() }
  }
}

/**
 * Count what arrives until EOF without copying it. With `limit`, a remote that sends more than
 * that is a ProtocolError.
 */
export async function readToEnd (stream: MessageStream, counters: TransferCounters, direction: Direction, limit = Infinity): Promise<void> {
  while (true) {
    const chunk = await stream.read()
    if (chunk == null) { return }
    counters[direction] += chunk.byteLength
    if (counters[direction] > limit) {
      throw new ProtocolError(`the remote sent more than the ${limit} bytes asked for`)
    }
  }
}
