import { LimitExceededError } from '@libp2p/interface'
import type { Logger, MessageStream } from '@libp2p/interface'

export interface SpliceLimits {
  /** bytes allowed in each direction */
  dataBytes?: bigint
  /** the circuit is reset after this long */
  durationMs?: number
}

/**
 * Join two streams into one circuit: what one side sends the other receives, with back-pressure
 * (at most one read chunk in flight per direction, the rest stays in the muxers' windows), EOF
 * passed on as a half-close. Past the data limit in either direction, or after the duration
 * limit, both streams are reset. Resolves when both directions have ended, however they ended.
 */
/**
 * `relayed`, when given, gets each chunk's length added as it passes (the relay's metrics read it
 * at scrape time)
 */
export async function splice (a: MessageStream, b: MessageStream, limits: SpliceLimits, log: Logger, relayed?: { bytes: number }): Promise<void> {
  let failed = false
  const fail = (err: Error): void => {
    if (failed) { return }
    failed = true
    log('circuit ended - %e', err)
    a.abort(err)
    b.abort(err)
  }
  const durationMs = limits.durationMs
  const timer = durationMs != null
    ? setTimeout(() => { fail(new LimitExceededError('defaultDurationLimit', durationMs, `the circuit reached its duration limit of ${durationMs} ms`)) }, durationMs)
    : undefined
  try {
    await Promise.all([
      pump(a, b, limits.dataBytes, relayed).catch(fail),
      pump(b, a, limits.dataBytes, relayed).catch(fail)
    ])
  } finally {
    clearTimeout(timer)
  }
}

async function pump (from: MessageStream, to: MessageStream, limit: bigint | undefined, relayed: { bytes: number } | undefined): Promise<void> {
  let left = limit
  while (true) {
    const chunk = await from.read()
    if (chunk == null) {
      await to.closeWrite()
      return
    }
    if (left != null) {
      if (BigInt(chunk.byteLength) > left) {
        // the streams are reset at once, so the part of the chunk under the limit would be dropped anyway
        throw new LimitExceededError('defaultDataLimit', Number(limit), `the circuit reached its data limit of ${String(limit)} bytes in one direction`)
      }
      left -= BigInt(chunk.byteLength)
    }
    if (relayed !== undefined) { relayed.bytes += chunk.byteLength }
    if (!to.send(chunk)) {
      await to.onDrain()
    }
  }
}
