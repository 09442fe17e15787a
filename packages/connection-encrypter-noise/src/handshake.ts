import { MessageTooLargeError, ProtocolError } from '@libp2p/interface'
import { HandshakeStream } from '@libp2p/utils'
import { NOISE_LENGTH_PREFIX_BYTES, NOISE_MAX_MESSAGE_BYTES } from './constants.js'
import { HandshakeState } from './handshake-state.js'
import { verifyHandshakePayload } from './payload.js'
import type { DHKeyPair, NoiseCrypto } from './crypto/types.js'
import type { SplitCiphers } from './handshake-state.js'
import type { VerifiedPayload } from './payload.js'
import type { AbortOptions, MessageStream, PeerId } from '@libp2p/interface'

const EMPTY = new Uint8Array(0)

export interface HandshakeInit {
  crypto: NoiseCrypto
  staticKeyPair: DHKeyPair
  /** the libp2p payload this side sends (identity key, signature, extensions) */
  payload: Uint8Array
  /** the peer the initiator dialled */
  expectedPeer?: PeerId
  /** the Noise prologue (empty when not given) */
  prologue?: Uint8Array
}

export interface HandshakeResult extends VerifiedPayload, SplitCiphers {
  /** the raw connection, with anything read past the handshake put back in its read buffer */
  connection: MessageStream
}

/** Run XX as the initiator: -> e; <- e, ee, s, es; -> s, se */
export async function initiatorHandshake (connection: MessageStream, init: HandshakeInit, options: AbortOptions): Promise<HandshakeResult> {
  const state = new HandshakeState({ crypto: init.crypto, initiator: true, staticKeyPair: init.staticKeyPair, prologue: init.prologue })
  const stream = new HandshakeStream(connection)
  // the initiator's first message is not encrypted: it carries no payload
  await writeMessage(stream, state.writeMessageA(EMPTY), options)
  const payloadB = state.readMessageB(await readMessage(stream, options))
  // check the responder before telling it who we are
  const verified = await verifyHandshakePayload(payloadB, remoteKey(state), init.expectedPeer)
  await writeMessage(stream, state.writeMessageC(init.payload), options)
  return { ...verified, ...state.split(), connection: stream.unwrap() }
}

/** Run XX as the responder */
export async function responderHandshake (connection: MessageStream, init: HandshakeInit, options: AbortOptions): Promise<HandshakeResult> {
  const state = new HandshakeState({ crypto: init.crypto, initiator: false, staticKeyPair: init.staticKeyPair, prologue: init.prologue })
  const stream = new HandshakeStream(connection)
  // a payload in the first message is unauthenticated and libp2p defines none: it is ignored
  state.readMessageA(await readMessage(stream, options))
  await writeMessage(stream, state.writeMessageB(init.payload), options)
  const payloadC = state.readMessageC(await readMessage(stream, options))
  const verified = await verifyHandshakePayload(payloadC, remoteKey(state), init.expectedPeer)
  return { ...verified, ...state.split(), connection: stream.unwrap() }
}

function remoteKey (state: HandshakeState): Uint8Array {
  const key = state.remoteStaticKey
  if (key == null) { throw new ProtocolError('the remote static key is not known after reading it') }
  return key
}

async function writeMessage (stream: HandshakeStream, message: Uint8Array, options: AbortOptions): Promise<void> {
  if (message.byteLength > NOISE_MAX_MESSAGE_BYTES) {
    throw new MessageTooLargeError(`a Noise handshake message of ${message.byteLength} bytes is over the ${NOISE_MAX_MESSAGE_BYTES} byte limit`)
  }
  const frame = new Uint8Array(NOISE_LENGTH_PREFIX_BYTES + message.byteLength)
  frame[0] = message.byteLength >>> 8
  frame[1] = message.byteLength & 0xff
  frame.set(message, NOISE_LENGTH_PREFIX_BYTES)
  await stream.write(frame, options)
}

async function readMessage (stream: HandshakeStream, options: AbortOptions): Promise<Uint8Array> {
  const prefix = await stream.read(NOISE_LENGTH_PREFIX_BYTES, options)
  const length = (prefix.get(0) << 8) | prefix.get(1)
  return (await stream.read(length, options)).subarray()
}
