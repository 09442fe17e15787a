// The client side of circuit relay v2 as the node benchmarks speak it (shared/specs relay
// circuit-v2.md): RESERVE and CONNECT on hop streams, and the STOP answer, written straight on a
// plain libp2p node with our stack's protobuf codecs. No inner Noise/Yamux runs over a circuit:
// it carries raw bytes, so the clients' CPU goes into the relay's work (which is the same for any
// bytes) and not into a second encryption layer. Also the client peers themselves: TCP, Noise,
// Yamux, identify and ping (the relay's connection monitor pings them), nothing listening.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { HopMessage, RELAY_V2_HOP_CODEC, RELAY_V2_STOP_CODEC, Status, StopMessage } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { HandshakeStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'

export { RELAY_V2_STOP_CODEC }
export const CHUNK_BYTES = 64 * 1024
/** sent again and again over circuits, never written */
export const FILL = new Uint8Array(CHUNK_BYTES).fill(0x6e)

export class RelayStatusError extends Error {
  static name = 'RelayStatusError'
  name = 'RelayStatusError'
  constructor (what, status) {
    super(`${what}: the relay answered ${Status[status] ?? status}`)
    this.status = Status[status] ?? status
  }
}

/** a client peer; the relay's inbound per-IP rate limit decides how fast these may connect */
export function createPeer () {
  return createLibp2p({
    addresses: { listen: [] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() },
    // the harness is not measured: no pings from 1,000 client peers competing with the relay
    connectionMonitor: { enabled: false }
  })
}

/** RESERVE on a new hop stream; resolves with the ms from opening the stream to the OK */
export async function reserve (connection, signal) {
  const t0 = performance.now()
  const stream = await connection.newStream(RELAY_V2_HOP_CODEC, { signal })
  try {
    const bytes = new HandshakeStream(stream)
    await bytes.writePB({ type: HopMessage.Type.RESERVE }, HopMessage, { signal })
    const answer = await bytes.readPB(HopMessage, { signal })
    const ms = performance.now() - t0
    if (answer.status !== Status.OK) throw new RelayStatusError('RESERVE', answer.status)
    await bytes.unwrap().close({ signal })
    return ms
  } catch (err) {
    stream.abort(err)
    throw err
  }
}

/** CONNECT to `target` (a PeerId holding a reservation); resolves with the raw relayed stream */
export async function connectThrough (connection, target, signal) {
  const stream = await connection.newStream(RELAY_V2_HOP_CODEC, { signal })
  try {
    const bytes = new HandshakeStream(stream)
    await bytes.writePB({ type: HopMessage.Type.CONNECT, peer: { id: target.toMultihash().bytes, addrs: [] } }, HopMessage, { signal })
    const answer = await bytes.readPB(HopMessage, { signal })
    if (answer.status !== Status.OK) throw new RelayStatusError('CONNECT', answer.status)
    return bytes.unwrap()
  } catch (err) {
    stream.abort(err)
    throw err
  }
}

/**
 * The STOP handler: answers the relay's CONNECT with OK and gives the raw stream to onCircuit.
 * timeoutMs bounds reading the request.
 */
export function stopHandler (onCircuit, onError, timeoutMs) {
  return async (stream) => {
    const signal = AbortSignal.timeout(timeoutMs)
    try {
      const bytes = new HandshakeStream(stream)
      const request = await bytes.readPB(StopMessage, { signal })
      if (request.type !== StopMessage.Type.CONNECT) throw new RelayStatusError('STOP', request.type)
      await bytes.writePB({ type: StopMessage.Type.STATUS, status: Status.OK }, StopMessage, { signal })
      onCircuit(bytes.unwrap())
    } catch (err) {
      stream.abort(err)
      onError(err)
    }
  }
}

/** sends FILL until signal aborts (resolves) or the stream fails (rejects); returns bytes sent */
export async function sendUntil (stream, signal) {
  let sent = 0
  while (!signal.aborted) {
    sent += CHUNK_BYTES
    if (!stream.send(FILL)) {
      try {
        await stream.onDrain({ signal })
      } catch (err) {
        if (signal.aborted) break
        throw err
      }
    }
  }
  return sent
}

/** reads to EOF, adding each chunk's length to counter.bytes; resolves at EOF, rejects on a reset */
export async function countInto (stream, counter) {
  for await (const chunk of stream) counter.bytes += chunk.byteLength
}
