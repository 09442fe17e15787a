import { InvalidMessageError, InvalidParametersError, LimitExceededError, MessageTooLargeError, TimeoutError } from '@libp2p/interface'
import { AbstractMessageStream, abortAfter, decodeVarint, Waiters } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  BUFFERED_AMOUNT_LOW_THRESHOLD_BYTES, BUFFERED_AMOUNT_LOW_TIMEOUT_MS, DATA_CHANNEL_OPEN_TIMEOUT_MS, FIN_ACK_TIMEOUT_MS,
  FRAMING_OVERHEAD_BYTES, MAX_BUFFERED_AMOUNT_BYTES, MAX_MESSAGE_SIZE_BYTES, MAX_UNREAD_BYTES, MIN_MESSAGE_SIZE_BYTES
} from './constants.js'
import { DataChannelError } from './errors.js'
import { encodeFrame } from './framing.js'
import { Message } from './pb/message.js'
import type { AbortOptions, Direction, Logger, Stream } from '@libp2p/interface'
import type { AbortDeadline, SendResult } from '@libp2p/utils'

/** Options of every data-channel stream (js-libp2p's names; times in ms, sizes in bytes) */
export interface DataChannelOptions {
  /** one framed message including its length prefix (default 16 KiB, the spec's maximum) */
  maxMessageSize?: number
  /** stop handing data to a channel while its bufferedAmount is above this (default 2 MiB) */
  maxBufferedAmount?: number
  /** abort a stream whose channel stays above maxBufferedAmount this long (default 30 s) */
  bufferedAmountLowEventTimeout?: number
  /** abort a stream whose channel does not open within this (default 5 s) */
  openTimeout?: number
  /** after our FIN, wait this long for the FIN_ACK (default 5 s), then consider the write side closed anyway */
  closeTimeout?: number
  /** abort a stream whose unread data passes this (default 4 MiB): data channels have no flow control */
  maxUnreadBytes?: number
}

export interface DataChannelStreamInit extends DataChannelOptions {
  id: string
  channel: RTCDataChannel
  direction: Direction
  log: Logger
}

/**
 * One libp2p stream over one RTCDataChannel, framed as specs/libp2p/webrtc/README.md says: every
 * channel message is a varint-prefixed `Message` of at most maxMessageSize bytes; FIN / FIN_ACK
 * half-close, STOP_SENDING stops the remote's data, RESET_STREAM resets. Sending waits for the
 * channel to open and pauses while its bufferedAmount is above maxBufferedAmount.
 */
export class DataChannelStream extends AbstractMessageStream implements Stream {
  protocol = ''
  readonly metadata: Record<string, unknown> = {}
  readonly #channel: RTCDataChannel
  readonly #maxPayload: number
  readonly #maxIncomingFrame: number
  readonly #maxBufferedAmount: number
  readonly #drainTimeoutMs: number
  readonly #finAckTimeoutMs: number
  readonly #maxUnreadBytes: number
  /** channel messages may split or join frames: the bytes of a frame not yet complete (< one frame) */
  readonly #incoming = new Uint8ArrayList()
  readonly #opened = new Waiters<void>()
  readonly #finAck = new Waiters<void>()
  #finAcked = false
  #inSendData = false
  #openDeadline?: AbortDeadline
  #drainDeadline?: AbortDeadline
  #lingerTimer?: ReturnType<typeof setTimeout>
  #remoteFin = false

  constructor (init: DataChannelStreamInit) {
    super({ id: init.id, direction: init.direction, log: init.log })
    const maxMessageSize = init.maxMessageSize ?? MAX_MESSAGE_SIZE_BYTES
    if (!Number.isSafeInteger(maxMessageSize) || maxMessageSize < MIN_MESSAGE_SIZE_BYTES) {
      throw new InvalidParametersError(`dataChannel.maxMessageSize must be an integer >= ${MIN_MESSAGE_SIZE_BYTES}, got ${maxMessageSize}`)
    }
    this.#channel = init.channel
    this.#maxPayload = maxMessageSize - FRAMING_OVERHEAD_BYTES
    // what we accept: the spec's maximum, or more if we were told to send more
    this.#maxIncomingFrame = Math.max(maxMessageSize, MAX_MESSAGE_SIZE_BYTES)
    this.#maxBufferedAmount = init.maxBufferedAmount ?? MAX_BUFFERED_AMOUNT_BYTES
    this.#drainTimeoutMs = init.bufferedAmountLowEventTimeout ?? BUFFERED_AMOUNT_LOW_TIMEOUT_MS
    this.#finAckTimeoutMs = init.closeTimeout ?? FIN_ACK_TIMEOUT_MS
    this.#maxUnreadBytes = init.maxUnreadBytes ?? MAX_UNREAD_BYTES

    const channel = this.#channel
    try {
      channel.binaryType = 'arraybuffer'
      channel.bufferedAmountLowThreshold = Math.min(BUFFERED_AMOUNT_LOW_THRESHOLD_BYTES, Math.floor(this.#maxBufferedAmount / 2))
    } catch (err: any) {
      // node-datachannel throws for a channel that closed before we got it
      if (this.log.enabled) { this.log('%s channel unusable - %s', this.id, err.message) }
      queueMicrotask(() => { this.#onChannelClosed() })
      return
    }
    channel.onmessage = (evt: MessageEvent) => { this.#onMessage(evt.data) }
    channel.onbufferedamountlow = () => {
      this.#drainDeadline?.cancel()
      this.#drainDeadline = undefined
      this.#resume()
    }
    channel.onclose = () => { this.#onChannelClosed() }
    channel.onerror = (evt: Event) => {
      // Chromium reports the remote closing a channel as an error ("User-Initiated Abort")
      // before 'close': the close event decides how the stream ends
      if (this.log.enabled) { this.log('%s channel error - %s', this.id, (evt as RTCErrorEvent).error?.message) }
    }
    if (channel.readyState === 'connecting') {
      channel.onopen = () => { this.#onOpen() }
      const openTimeoutMs = init.openTimeout ?? DATA_CHANNEL_OPEN_TIMEOUT_MS
      this.#openDeadline = abortAfter(this, openTimeoutMs, ms => new TimeoutError(`data channel ${this.id} did not open within ${ms} ms`))
    } else if (channel.readyState !== 'open') {
      queueMicrotask(() => { this.#onChannelClosed() })
    }
  }

  // ---- AbstractMessageStream hooks -----------------------------------------------------------

  protected sendData (data: Uint8ArrayList): SendResult {
    if (this.remoteReadStatus === 'closed') {
      // STOP_SENDING: the remote discards what we send; do not send it
      return { sentBytes: data.byteLength, canSendMore: true }
    }
    if (this.#channel.readyState !== 'open') {
      // 'connecting': the open event resumes; closing or closed: the close event ends the stream
      return { sentBytes: 0, canSendMore: false }
    }
    let sent = 0
    this.#inSendData = true
    try {
      while (sent < data.byteLength) {
        if (this.#channel.bufferedAmount > this.#maxBufferedAmount) {
          this.#armDrainDeadline()
          return { sentBytes: sent, canSendMore: false }
        }
        const end = Math.min(sent + this.#maxPayload, data.byteLength)
        try {
          this.#channel.send(encodeFrame(undefined, data.sublist(sent, end)))
        } catch (err: any) {
          // node-datachannel's channel closed natively before its readyState said so (seen from a
          // bufferedamountlow resume): nothing more can go out, and the close event ends the stream
          if (this.log.enabled) { this.log('%s send on a closing channel - %s', this.id, err.message) }
          return { sentBytes: sent, canSendMore: false }
        }
        sent = end
      }
    } finally {
      this.#inSendData = false
    }
    return { sentBytes: sent, canSendMore: true }
  }

  protected async sendCloseWrite (options?: AbortOptions): Promise<void> {
    if (this.#channel.readyState === 'connecting') {
      await this.#opened.wait(options)
    }
    if (!this.#sendFlag(Message.Flag.FIN) || this.#finAcked) { return }
    // the write side counts as closed once the remote acknowledged everything, or after the timeout
    const timer = setTimeout(() => {
      if (this.log.enabled) { this.log('%s no FIN_ACK within %d ms', this.id, this.#finAckTimeoutMs) }
      this.#finAck.resolveAll()
    }, this.#finAckTimeoutMs)
    try {
      await this.#finAck.wait(options)
    } finally {
      clearTimeout(timer)
    }
  }

  protected sendCloseRead (): void {
    this.#sendFlag(Message.Flag.STOP_SENDING)
  }

  protected sendReset (): void {
    this.#sendFlag(Message.Flag.RESET_STREAM)
  }

  protected onFinished (): void {
    this.#openDeadline?.cancel()
    this.#drainDeadline?.cancel()
    this.#finAck.resolveAll()
    const channel = this.#channel
    channel.onbufferedamountlow = null
    if (this.status === 'closed' && !this.#remoteFin && channel.readyState === 'open') {
      // we stopped reading (closeRead) before the remote's FIN: the spec closes a channel once
      // both FINs are acknowledged, so linger until it comes (answering FIN_ACK) or closeTimeout
      this.#lingerTimer = setTimeout(() => { this.#closeChannel() }, this.#finAckTimeoutMs)
      return
    }
    this.#closeChannel()
  }

  #closeChannel (): void {
    clearTimeout(this.#lingerTimer)
    this.#incoming.consume(this.#incoming.byteLength)
    const channel = this.#channel
    channel.onmessage = null
    if (channel.readyState === 'open' || channel.readyState === 'connecting') {
      // close() sends what is queued first (a FIN_ACK or RESET_STREAM we just sent)
      channel.close()
    }
  }

  // ---- channel events ------------------------------------------------------------------------

  #onOpen (): void {
    this.#openDeadline?.cancel()
    this.#openDeadline = undefined
    this.#opened.resolveAll()
    this.#resume()
  }

  /** sending may go on; never from inside sendData() (a channel event fired during send()) */
  #resume (): void {
    if (this.#inSendData) {
      queueMicrotask(() => { this.onTransportDrain() })
      return
    }
    this.onTransportDrain()
  }

  #onChannelClosed (): void {
    clearTimeout(this.#lingerTimer)
    this.#lingerTimer = undefined
    this.#finAck.resolveAll()
    this.#opened.rejectAll(new DataChannelError(`data channel ${this.id} closed before it opened`))
    if (this.remoteWriteStatus !== 'closed') {
      // the remote closes a channel after FIN / FIN_ACK: without its FIN this is a reset (a
      // RESET_STREAM sent just before the close may be lost with the channel)
      this.onRemoteReset()
      return
    }
    // a clean end of both directions, unless we still had data to send (onTransportClosed checks)
    this.onTransportClosed()
  }

  #onMessage (data: unknown): void {
    if (!(data instanceof ArrayBuffer)) {
      this.abort(new InvalidMessageError(`data channel ${this.id} received a ${typeof data} message, not binary`))
      return
    }
    // a copy: node-datachannel's message buffers can be detached from under us once its callback
    // returns (seen as a read chunk turning empty: a whole message lost)
    this.#incoming.append(new Uint8Array(data).slice())
    try {
      while (this.#incoming.byteLength > 0 && (!this.#isDone() || this.#lingerTimer !== undefined)) {
        const prefix = decodeVarint(this.#incoming)
        if (prefix === undefined) { break }
        if (prefix.value > this.#maxIncomingFrame) {
          throw new MessageTooLargeError(`data channel ${this.id}: a ${prefix.value}-byte message is over the ${this.#maxIncomingFrame}-byte limit`)
        }
        const end = prefix.bytes + prefix.value
        if (this.#incoming.byteLength < end) { break }
        const frame = this.#incoming.sublist(prefix.bytes, end)
        this.#incoming.consume(end)
        let message: Message
        try {
          message = Message.decode(frame)
        } catch (err: any) {
          throw new InvalidMessageError(`data channel ${this.id}: malformed message: ${err.message}`)
        }
        this.#onFrame(message)
      }
    } catch (err: any) {
      this.abort(err)
    }
  }

  #onFrame (message: Message): void {
    const payload = message.message
    if (this.#lingerTimer !== undefined) {
      // finished: only the remote's FIN matters now
      if (message.flag === Message.Flag.FIN) { this.#sendFlag(Message.Flag.FIN_ACK) }
      if (message.flag === Message.Flag.FIN || message.flag === Message.Flag.RESET_STREAM) {
        this.#closeChannel()
        this.#lingerTimer = undefined
      }
      return
    }
    if (payload != null && payload.byteLength > 0) {
      if (this.#remoteFin) {
        // the FIN said no more data follows, and our reader may already have seen the end: keeping
        // or dropping these bytes would lose them silently. A compliant remote never does this, but
        // node-datachannel 0.33.4 under load sometimes hands an inbound channel's messages over out
        // of the order they were sent in (seen at the 8th of 320 messages, counts equal)
        throw new InvalidMessageError(`data channel ${this.id}: the remote sent data after its FIN`)
      }
      if (this.readStatus === 'readable' && this.readBufferLength + payload.byteLength > this.#maxUnreadBytes) {
        throw new LimitExceededError('maxUnreadBytes', this.#maxUnreadBytes, `data channel ${this.id}: the remote sent more than the application read`)
      }
      this.onData(payload)
    }
    if (message.flag !== undefined && this.log.enabled) { this.log('%s received %s', this.id, message.flag) }
    switch (message.flag) {
      case Message.Flag.FIN:
        this.#remoteFin = true
        this.#sendFlag(Message.Flag.FIN_ACK)
        this.onRemoteCloseWrite()
        break
      case Message.Flag.FIN_ACK:
        this.#finAcked = true
        this.#finAck.resolveAll()
        break
      case Message.Flag.STOP_SENDING:
        // remoteReadStatus 'closed' (js-libp2p 3's field), and what is queued is dropped
        this.onRemoteCloseRead()
        break
      case Message.Flag.RESET_STREAM:
        this.onRemoteReset()
        break
      default:
        // no flag: data only
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** send a flag on its own; false if the channel is not open */
  #sendFlag (flag: Message.Flag): boolean {
    if (this.#channel.readyState !== 'open') { return false }
    try {
      this.#channel.send(encodeFrame(flag))
      return true
    } catch (err: any) {
      this.log.error('%s could not send %s - %e', this.id, flag, err)
      return false
    }
  }

  #armDrainDeadline (): void {
    if (this.#drainDeadline !== undefined) { return }
    this.#drainDeadline = abortAfter(this, this.#drainTimeoutMs, ms => new TimeoutError(`data channel ${this.id}: bufferedAmount stayed above ${this.#maxBufferedAmount} bytes for ${ms} ms`))
  }

  #isDone (): boolean {
    return this.status === 'closed' || this.status === 'aborted' || this.status === 'reset'
  }
}
