import { messageStreamPair } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import type { MessageStream, Stream, StreamMuxer, StreamMuxerFactory } from '@libp2p/interface'

export interface MuxerPair {
  /** the muxer of the dialer (outbound connection: the yamux client) */
  dialer: StreamMuxer
  /** the muxer of the listener */
  listener: StreamMuxer
  dialerConnection: MessageStream
  listenerConnection: MessageStream
}

/** the connections one muxer pair runs over: the dialer's, then the listener's */
export type ConnectionPair = [MessageStream, MessageStream]

/** Every muxer a test creates, so afterEach can abort what the test left open */
export class MuxerTracker {
  readonly #muxers: StreamMuxer[] = []
  readonly #connect?: () => Promise<ConnectionPair>

  /** `connect`: the suite setup's connectionPair(), if it has one */
  constructor (connect?: () => Promise<ConnectionPair>) {
    this.#connect = connect
  }

  /** a muxer pair over the setup's connections, or over an in-memory pair if it brings none */
  async open (factory: StreamMuxerFactory): Promise<MuxerPair> {
    return this.#over(factory, this.#connect === undefined ? messageStreamPair() : await this.#connect())
  }

  /** a muxer pair over a new in-memory connection pair */
  pair (factory: StreamMuxerFactory): MuxerPair {
    return this.#over(factory, messageStreamPair())
  }

  abortAll (): void {
    for (const muxer of this.#muxers.splice(0)) {
      muxer.abort(new Error('the test is over'))
    }
  }

  #over (factory: StreamMuxerFactory, [dialerConnection, listenerConnection]: ConnectionPair): MuxerPair {
    const dialer = factory.createStreamMuxer(dialerConnection, { direction: 'outbound' })
    const listener = factory.createStreamMuxer(listenerConnection, { direction: 'inbound' })
    this.#muxers.push(dialer, listener)
    return { dialer, listener, dialerConnection, listenerConnection }
  }
}

/** the next stream the remote opens on `muxer` */
export async function nextStream (muxer: StreamMuxer): Promise<Stream> {
  return new Promise<Stream>((resolve) => {
    muxer.addEventListener('stream', (evt) => { resolve(evt.detail) }, { once: true })
  })
}

/** open a stream on `from` and return it with its remote end on `to` */
export async function openPair (from: StreamMuxer, to: StreamMuxer): Promise<[Stream, Stream]> {
  const remote = nextStream(to)
  const local = await from.createStream()
  return [local, await remote]
}

/** resolves when the target emits `close` (at once if `isClosed` already says so) */
export async function closed (target: EventTarget, isClosed: () => boolean): Promise<void> {
  if (isClosed()) { return }
  await new Promise<void>((resolve) => {
    target.addEventListener('close', () => { resolve() }, { once: true })
  })
}

export function isFinal (stream: MessageStream): boolean {
  return stream.status === 'closed' || stream.status === 'aborted' || stream.status === 'reset'
}

/** everything until EOF */
export async function readAll (stream: MessageStream): Promise<Uint8Array> {
  const all = new Uint8ArrayList()
  for await (const chunk of stream) { all.append(chunk) }
  return all.subarray()
}

/** send all of `data` in chunks of `chunkBytes`, honouring back-pressure */
export async function sendAll (stream: MessageStream, data: Uint8Array, chunkBytes = 64 * 1024): Promise<void> {
  for (let offset = 0; offset < data.byteLength; offset += chunkBytes) {
    if (!stream.send(data.subarray(offset, offset + chunkBytes))) {
      await stream.onDrain()
    }
  }
}

/** echo everything back, then close the write side */
export async function echo (stream: MessageStream): Promise<void> {
  for await (const chunk of stream) {
    if (!stream.send(chunk)) { await stream.onDrain() }
  }
  await stream.closeWrite()
}

/** deterministic pseudo-random bytes (xorshift32), different for every seed */
export function pattern (seed: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes)
  let x = (seed * 2654435761 + 1) >>> 0
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** the index of the first differing byte, or -1 when equal (chai's deep equal is slow on MiBs) */
export function firstDifference (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) { return i }
  }
  return a.byteLength === b.byteLength ? -1 : n
}

/**
 * Let the event loop run `turns` macrotasks, to show that something does NOT happen (a blocked
 * sender stays blocked). Not a sleep: it waits for no condition and no clock.
 */
export async function macrotasks (turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await new Promise<void>((resolve) => { setTimeout(resolve, 0) })
  }
}
