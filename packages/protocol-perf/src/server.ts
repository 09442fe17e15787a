import { InvalidMessageError, LimitExceededError } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { HEADER_BYTES } from './constants.js'
import { readToEnd, writeBytes } from './transfer.js'
import { Watchdog } from './watchdog.js'
import type { TransferCounters } from './transfer.js'
import type { MessageStream } from '@libp2p/interface'

export interface ServeOptions {
  /** the buffer every send passes along; never written to */
  chunk: Uint8Array
  /** refuse requests for more than this (Infinity: any u64) */
  maxDownloadBytes: number
  idleTimeout: number
  timeout: number
  /** aborts the stream with its reason (the service stopping) */
  signal?: AbortSignal
  /** who is being served, for error messages */
  what?: string
}

/** sent in blocks no larger than this, so the count stays exact in a JS number */
const MAX_BLOCK_BYTES = 2 ** 52
const U64_LIMIT = 2n ** 64n - 1n

/**
 * The server side of one `/perf/1.0.0` stream: read the u64 the client wants back, read the
 * upload to EOF, then (only then) send the requested bytes and close. Resolves with what moved;
 * on any failure the stream is aborted and the error thrown: LimitExceededError for a request
 * over maxDownloadBytes, InvalidMessageError for EOF inside the header, TimeoutError from the
 * idle and total deadlines.
 */
export async function servePerfStream (stream: MessageStream, options: ServeOptions): Promise<TransferCounters> {
  const what = options.what ?? 'perf stream'
  const counters: TransferCounters = { uploadBytes: 0, downloadBytes: 0 }
  const header = new Uint8ArrayList()
  const watchdog = new Watchdog({
    idleTimeout: options.idleTimeout,
    timeout: options.timeout,
    what,
    progress: () => header.byteLength + counters.uploadBytes + counters.downloadBytes,
    expire: (err) => { stream.abort(err) }
  })
  const onAbort = (): void => { stream.abort(options.signal?.reason) }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    if (options.signal?.aborted === true) { throw options.signal.reason }
    while (header.byteLength < HEADER_BYTES) {
      const chunk = await stream.read()
      if (chunk == null) {
        throw new InvalidMessageError(`${what}: EOF after ${header.byteLength} of the ${HEADER_BYTES} header bytes`)
      }
      header.append(chunk)
    }
    const requested = header.getBigUint64(0, false)
    const limit = options.maxDownloadBytes === Infinity ? U64_LIMIT : BigInt(options.maxDownloadBytes)
    if (requested > limit) {
      throw new LimitExceededError('maxDownloadBytes', options.maxDownloadBytes, `${what} asked for ${requested} bytes`)
    }
    // whatever followed the header in the same chunks is upload
    counters.uploadBytes += header.byteLength - HEADER_BYTES
    await readToEnd(stream, counters, 'uploadBytes')

    let left = requested
    while (left > 0n) {
      const block = left > BigInt(MAX_BLOCK_BYTES) ? MAX_BLOCK_BYTES : Number(left)
      await writeBytes(stream, options.chunk, block, counters, 'downloadBytes')
      left -= BigInt(block)
    }
    await stream.close()
    return counters
  } catch (err: any) {
    stream.abort(err)
    throw err
  } finally {
    watchdog.stop()
    options.signal?.removeEventListener('abort', onAbort)
  }
}
