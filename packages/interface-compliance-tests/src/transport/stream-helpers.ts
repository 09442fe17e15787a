import { AbortError, TimeoutError } from '@libp2p/interface'
import { withTimeout } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import type { AbortOptions, MessageStream } from '@libp2p/interface'

/** the default deadline of a wait in the suites: a wait that fails is a bug, never a slow machine */
export const WAIT_TIMEOUT_MS = 10_000

/**
 * a signal that aborts with a TimeoutError after `ms` (default WAIT_TIMEOUT_MS), for every wait in
 * a test; it follows no other signal, so a deadline left to expire holds nothing but its queue entry
 */
export function deadline (ms: number = WAIT_TIMEOUT_MS): AbortSignal {
  return withTimeout(ms, 'a wait in the compliance suite').signal
}

/** read to EOF and return everything; rejects with the stream's error */
export async function readAll (stream: MessageStream, options?: AbortOptions): Promise<Uint8Array> {
  const all = new Uint8ArrayList()
  while (true) {
    const chunk = await stream.read(options)
    if (chunk == null) { return all.subarray() }
    all.append(chunk)
  }
}

/** read until at least `bytes` bytes arrived (more may come in the last chunk) */
export async function readAtLeast (stream: MessageStream, bytes: number, options?: AbortOptions): Promise<Uint8ArrayList> {
  const all = new Uint8ArrayList()
  while (all.byteLength < bytes) {
    const chunk = await stream.read(options)
    if (chunk == null) { break }
    all.append(chunk)
  }
  return all
}

/** send everything with back-pressure: after a false send(), wait for onDrain() */
export async function sendAll (stream: MessageStream, chunks: Iterable<Uint8Array>, options?: AbortOptions): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.send(chunk)) {
      await stream.onDrain(options)
    }
  }
}

/** resolves when the stream reaches a final status (closed, aborted or reset) */
export async function waitForFinal (stream: MessageStream, options?: AbortOptions): Promise<void> {
  await waitFor(stream, 'close', () => isFinal(stream), options)
}

export function isFinal (stream: MessageStream): boolean {
  return stream.status === 'closed' || stream.status === 'aborted' || stream.status === 'reset'
}

/** resolves with the first `type` event of target, or at once when `done()` is already true */
export async function waitFor<E extends Event = Event> (target: EventTarget, type: string, done: () => boolean = () => false, options?: AbortOptions): Promise<E | undefined> {
  if (done()) { return undefined }
  const signal = options?.signal ?? deadline()
  if (signal.aborted) { throw abortReason(signal, type) }
  return new Promise<E>((resolve, reject) => {
    const onEvent = (evt: Event): void => {
      signal.removeEventListener('abort', onAbort)
      resolve(evt as E)
    }
    const onAbort = (): void => {
      target.removeEventListener(type, onEvent)
      reject(abortReason(signal, type))
    }
    target.addEventListener(type, onEvent, { once: true })
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

function abortReason (signal: AbortSignal, what: string): Error {
  return signal.reason?.name === 'TimeoutError'
    ? new TimeoutError(`no '${what}' event before the deadline`)
    : new AbortError(`waiting for '${what}' was aborted`)
}

/**
 * Deterministic pseudo-random bytes (xorshift32), so a transfer can be checked on the receiving
 * side without keeping the data around.
 */
export function * patternChunks (totalBytes: number, chunkBytes: number, seed = 1): Generator<Uint8Array> {
  let state = seed | 0 || 1
  for (let offset = 0; offset < totalBytes; offset += chunkBytes) {
    const chunk = new Uint8Array(Math.min(chunkBytes, totalBytes - offset))
    for (let i = 0; i < chunk.length; i++) {
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      chunk[i] = state & 0xff
    }
    yield chunk
  }
}

/** 32-bit FNV-1a, fed chunk by chunk */
export class Checksum {
  #hash = 0x811c9dc5
  #bytes = 0

  update (data: Uint8Array | Uint8ArrayList): void {
    const chunks = data instanceof Uint8Array ? [data] : [...data]
    let hash = this.#hash
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) {
        hash = Math.imul(hash ^ chunk[i], 0x01000193)
      }
      this.#bytes += chunk.length
    }
    this.#hash = hash
  }

  get bytes (): number {
    return this.#bytes
  }

  digest (): string {
    return `${this.#bytes}:${(this.#hash >>> 0).toString(16)}`
  }
}

/** the checksum of everything read until EOF */
export async function checksumToEnd (stream: MessageStream, options?: AbortOptions): Promise<string> {
  const sum = new Checksum()
  while (true) {
    const chunk = await stream.read(options)
    if (chunk == null) { return sum.digest() }
    sum.update(chunk)
  }
}

export function checksumOf (chunks: Iterable<Uint8Array>): string {
  const sum = new Checksum()
  for (const chunk of chunks) { sum.update(chunk) }
  return sum.digest()
}
