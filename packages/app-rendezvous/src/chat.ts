import { InvalidMessageError, MessageTooLargeError, TypedEventEmitter } from '@libp2p/interface'
import { lpStream, withTimeout } from '@libp2p/utils'
import { CHAT_PROTOCOL, MAX_CHAT_HISTORY, MAX_CHAT_MESSAGE_BYTES, TRANSFER_IDLE_TIMEOUT_MS } from './constants.js'
import type { ProtocolHost } from './node.js'
import type { Connection, Stream } from '@libp2p/interface'

export interface ChatMessage {
  /** the other page's peer id: who sent it, or who it was sent to */
  peer: string
  text: string
  /** Date.now() when it was sent or received */
  at: number
  /** whether this page sent it */
  own: boolean
  /** the link it went over */
  via: 'direct' | 'relayed'
}

export interface ChatEvents {
  message: CustomEvent<ChatMessage>
}

/** chat streams a peer may have open to this page at once */
const MAX_INBOUND_CHAT_STREAMS = 16

/**
 * `/rendezvous/chat/1.0.0`: one message per stream, a varint length and that many bytes of UTF-8
 * (at most MAX_CHAT_MESSAGE_BYTES), then the sender closes. It runs on relayed connections too,
 * so the chat goes on through the relay while the direct connection is down.
 */
export class Chat extends TypedEventEmitter<ChatEvents> {
  readonly #node: ProtocolHost
  readonly #history: ChatMessage[] = []

  constructor (node: ProtocolHost) {
    super()
    this.#node = node
  }

  async start (): Promise<void> {
    await this.#node.handle(CHAT_PROTOCOL, async (stream, connection) => { await this.#receive(stream, connection) }, {
      runOnLimitedConnection: true,
      maxInboundStreams: MAX_INBOUND_CHAT_STREAMS
    })
  }

  async stop (): Promise<void> {
    await this.#node.unhandle(CHAT_PROTOCOL)
  }

  history (): ChatMessage[] {
    return [...this.#history]
  }

  /** sends `text` to the peer on `connection` */
  async send (connection: Connection, text: string, signal?: AbortSignal): Promise<ChatMessage> {
    const bytes = new TextEncoder().encode(text)
    if (bytes.byteLength > MAX_CHAT_MESSAGE_BYTES) { throw new MessageTooLargeError(`a chat message is at most ${MAX_CHAT_MESSAGE_BYTES} bytes, this one has ${bytes.byteLength}`) }
    const deadline = withTimeout(TRANSFER_IDLE_TIMEOUT_MS, 'sending a chat message (TRANSFER_IDLE_TIMEOUT_MS)', signal)
    try {
      const stream = await connection.newStream(CHAT_PROTOCOL, { runOnLimitedConnection: true, signal: deadline.signal })
      await lpStream(stream, { maxDataLength: MAX_CHAT_MESSAGE_BYTES }).write(bytes, { signal: deadline.signal })
      await stream.close({ signal: deadline.signal })
    } finally {
      deadline.done()
    }
    return this.#add({ peer: connection.remotePeer.toString(), text, at: Date.now(), own: true, via: connection.limits == null ? 'direct' : 'relayed' })
  }

  async #receive (stream: Stream, connection: Connection): Promise<void> {
    const deadline = withTimeout(TRANSFER_IDLE_TIMEOUT_MS, 'reading a chat message (TRANSFER_IDLE_TIMEOUT_MS)')
    try {
      const data = await lpStream(stream, { maxDataLength: MAX_CHAT_MESSAGE_BYTES }).read({ signal: deadline.signal })
      let text: string
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray())
      } catch {
        throw new InvalidMessageError('a chat message is not UTF-8')
      }
      await stream.close({ signal: deadline.signal })
      this.#add({ peer: connection.remotePeer.toString(), text, at: Date.now(), own: false, via: connection.limits == null ? 'direct' : 'relayed' })
    } catch (err: any) {
      // bad input ends only this stream
      stream.abort(err)
    } finally {
      deadline.done()
    }
  }

  #add (message: ChatMessage): ChatMessage {
    this.#history.push(message)
    if (this.#history.length > MAX_CHAT_HISTORY) { this.#history.shift() }
    this.safeDispatchEvent('message', { detail: message })
    return message
  }
}
