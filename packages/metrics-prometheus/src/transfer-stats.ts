import { Counter } from 'prom-client'
import { BoundedLabels } from './bounded-labels.js'
import type { MessageStream } from '@libp2p/interface'
import type { Registry } from 'prom-client'
import type { Uint8ArrayList } from 'uint8arraylist'

/** bytes one key (a protocol, or 'global' for connections) moved; shared by all its streams */
interface TransferCount {
  sent: number
  received: number
}

/** the parts of a stream the counting wraps: send() out, onData() in (AbstractMessageStream's entry from the transport) */
type Countable = MessageStream & { onData?(data: Uint8Array | Uint8ArrayList): void }

/**
 * Counts bytes per protocol for js-libp2p's `libp2p_data_transfer_bytes_total` (label `protocol`,
 * values '<protocol> sent' / '<protocol> received', 'global ...' for whole connections).
 *
 * The data path pays one addition per chunk and nothing else: a tracked stream gets its own
 * `send` and `onData` that add the chunk's length to the count object its key was given once,
 * then call the class's method. Totals are read into the counter only when scraped. A stream that
 * is not tracked (no metrics configured) is untouched.
 */
export class TransferStats {
  readonly #counts = new Map<string, TransferCount>()
  readonly #keys: BoundedLabels
  readonly #tracked = new WeakSet<object>()

  constructor (registry: Registry, maxKeys: number) {
    // two label values per key
    this.#keys = new BoundedLabels(Math.max(1, Math.floor(maxKeys / 2)))
    const counts = this.#counts
    // registered with the names js-libp2p uses, so its dashboards and queries work unchanged
    // eslint-disable-next-line no-new
    new Counter({
      name: 'libp2p_data_transfer_bytes_total',
      help: 'Bytes sent and received, per protocol and for whole connections (global)',
      labelNames: ['protocol'],
      registers: [registry],
      collect () {
        this.reset()
        for (const [key, count] of counts) {
          this.inc({ protocol: `${key} sent` }, count.sent)
          this.inc({ protocol: `${key} received` }, count.received)
        }
      }
    })
  }

  track (stream: Countable, key: string): void {
    if (this.#tracked.has(stream)) { return }
    this.#tracked.add(stream)
    const count = this.#countOf(key)
    // bytes that arrived with the protocol negotiation (a peer sends its first message right
    // behind the protocol header) wait in the read buffer: they belong to the protocol too
    count.received += stream.readBufferLength

    const send = stream.send
    stream.send = function (this: MessageStream, data: Uint8Array | Uint8ArrayList): boolean {
      const ok = send.call(this, data)
      // after the call: a send that throws (closed stream, full buffer) moved nothing
      count.sent += data.byteLength
      return ok
    }

    const onData = stream.onData
    if (typeof onData === 'function') {
      stream.onData = function (this: Countable, data: Uint8Array | Uint8ArrayList): void {
        count.received += data.byteLength
        onData.call(this, data)
      }
    }
  }

  #countOf (key: string): TransferCount {
    const bounded = this.#keys.value(key)
    let count = this.#counts.get(bounded)
    if (count === undefined) {
      count = { sent: 0, received: 0 }
      this.#counts.set(bounded, count)
    }
    return count
  }
}
