import { InvalidMessageError } from '@libp2p/interface'
import { HandshakeStream } from '@libp2p/utils'
import { RELAY_V2_HOP_CODEC } from '../constants.js'
import { RelayRefusedError } from '../errors.js'
import { hopCodec, readMessage } from '../messages.js'
import { HopMessage, Status } from '../pb/circuit.js'
import type { Connection, Stream } from '@libp2p/interface'

/**
 * Send one hop request on a new stream of `connection` and read the relay's STATUS answer.
 * Throws RelayRefusedError for a status other than OK, InvalidMessageError for an answer that
 * is not a STATUS; on any failure the stream is aborted. On success the stream is returned with
 * any bytes read past the answer put back (for CONNECT it is the circuit from here on).
 */
export async function hopRequest (connection: Connection, request: HopMessage, signal: AbortSignal): Promise<{ answer: HopMessage, stream: Stream }> {
  const stream = await connection.newStream(RELAY_V2_HOP_CODEC, { signal })
  try {
    const bytes = new HandshakeStream(stream)
    await bytes.writePB(request, HopMessage, { signal })
    const answer = await readMessage(bytes, hopCodec, { signal })
    if (answer.type !== HopMessage.Type.STATUS) {
      throw new InvalidMessageError(`the relay answered a hop ${request.type ?? ''} with ${answer.type ?? ''}`)
    }
    if (answer.status !== Status.OK) {
      throw new RelayRefusedError(answer.status, `${connection.remotePeer} refused hop ${request.type ?? ''}: ${answer.status ?? 'no status'}`)
    }
    return { answer, stream: bytes.unwrap() }
  } catch (err: any) {
    stream.abort(signal.aborted ? signal.reason : err)
    throw signal.aborted ? signal.reason : err
  }
}
