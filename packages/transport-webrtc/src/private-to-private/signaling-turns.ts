import type { Connection, Stream } from '@libp2p/interface'

/** ends a turn; `stream`, the turn's last signaling stream, ends it only once it has closed */
export type EndTurn = (stream?: Stream) => void

/**
 * One outbound signaling exchange at a time per connection. Concurrent WebRTC dials to one peer
 * share its relayed connection (the connection manager's dial queue gives them one), and that
 * connection takes few signaling streams at once: the dialer registers `maxOutboundStreams: 1`
 * for the protocol, a listener MAX_INBOUND_SIGNALING_STREAMS. So a dial waits for its turn rather
 * than having its stream refused. A turn lasts until its stream has closed, since a closing stream
 * still counts against those limits. How many dials wait is bounded by the dial queue's slots,
 * and each waits under its own dial's signal.
 */
export class SignalingTurns {
  /** the end of the last turn taken on each connection */
  readonly #tails = new WeakMap<Connection, Promise<void>>()

  /** waits for the turns taken before on `connection`; rejects with the signal's reason if it fires first (the turn is then given up) */
  async take (connection: Connection, signal: AbortSignal): Promise<EndTurn> {
    const before = this.#tails.get(connection) ?? Promise.resolve()
    let release: () => void = () => {}
    const ended = new Promise<void>(resolve => { release = resolve })
    const tail = before.then(async () => ended)
    this.#tails.set(connection, tail)
    void tail.then(() => {
      if (this.#tails.get(connection) === tail) { this.#tails.delete(connection) }
    })
    try {
      await untilAborted(before, signal)
    } catch (err) {
      release()
      throw err
    }
    return (stream) => {
      if (stream == null || stream.status === 'closed' || stream.status === 'aborted' || stream.status === 'reset') {
        release()
        return
      }
      stream.addEventListener('close', () => { release() }, { once: true })
    }
  }
}

async function untilAborted (p: Promise<void>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted()
  let onAbort: () => void = () => {}
  try {
    await Promise.race([p, new Promise<never>((_resolve, reject) => {
      onAbort = () => { reject(signal.reason) }
      signal.addEventListener('abort', onAbort, { once: true })
    })])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
