import { ConnectionClosedError, ProtocolError } from '@libp2p/interface'
import { AbstractStreamMuxer, Waiters } from '@libp2p/utils'
import { INITIAL_STREAM_WINDOW_BYTES, MAX_ACK_BACKLOG, YAMUX_PROTOCOL_ID } from './constants.js'
import { GoAwayError } from './errors.js'
import { FrameReader } from './frame-reader.js'
import { FrameWriter } from './frame-writer.js'
import { Flag, FrameType, GoAwayCode, frameName } from './frame.js'
import { PingTracker } from './ping-tracker.js'
import { ReceiveWindow, WindowBudget } from './receive-window.js'
import { SessionStreamIds } from './stream-ids.js'
import { YamuxStream } from './stream.js'
import type { YamuxConfig } from './config.js'
import type { FrameHeader, FrameTypeValue } from './frame.js'
import type { StreamOwner } from './stream.js'
import type { AbortOptions, CreateStreamOptions, Logger, MessageStream, StreamMuxerInit } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** errors that mean the remote broke the protocol (GoAway code 1) rather than a bug of ours (code 2) */
const REMOTE_FAULTS = new Set(['ProtocolError', 'InvalidMessageError', 'LimitExceededError'])

/**
 * A yamux session over one connection (a MessageStream, usually Noise over TCP). The stream
 * registry, the stream limits, close(), abort() and how the session's end reaches the streams are
 * AbstractStreamMuxer's; this class is the wire: frames in and out, ids, ACKs, pings, GoAway.
 *
 * Writing: frames of all streams are batched into one send() on the connection per tick, and
 * streams pause while the connection is over its high-water mark (see FrameWriter).
 *
 * Reading: FrameReader decodes what the connection delivers and hands every frame here.
 */
export class YamuxMuxer extends AbstractStreamMuxer<YamuxStream> implements StreamOwner {
  readonly #conn: MessageStream
  readonly #writer: FrameWriter
  readonly #config: YamuxConfig
  readonly #ids: SessionStreamIds
  readonly #pings: PingTracker
  readonly #ackWaiters = new Waiters<void>()
  readonly #windowBudget: WindowBudget
  #ackBacklog = 0

  constructor (conn: MessageStream, init: StreamMuxerInit, config: YamuxConfig, log: Logger) {
    super({
      protocol: YAMUX_PROTOCOL_ID,
      connection: conn,
      log,
      maxInboundStreams: config.maxInboundStreams,
      maxOutboundStreams: config.maxOutboundStreams,
      closeTimeout: config.closeTimeout,
      // YamuxStream.onFinished() tells us: no close event per stream
      reportsStreamEnds: true
    })
    this.#conn = conn
    this.#writer = new FrameWriter(conn, (err) => { this.shutdown(err, 'abort') })
    this.#config = config
    this.#windowBudget = new WindowBudget(config.maxConnectionWindowSize)
    // the dialer is the yamux client
    this.#ids = new SessionStreamIds(init.direction === 'outbound')
    this.#pings = new PingTracker({
      sendPing: (opaque) => { this.writeFrame(FrameType.Ping, Flag.SYN, 0, opaque) },
      onKeepAliveTimeout: (err) => { this.shutdown(err, 'abort') }
    })
    void new FrameReader<YamuxStream>(conn, {
      isReading: () => this.status !== 'closed',
      onHeader: (header) => this.#onHeader(header),
      onPayload: (header, stream, payload) => { this.#applyStreamFrame(header, stream, payload) },
      onEnd: (err) => { this.shutdown(err, err == null ? 'close' : 'abort') },
      onViolation: (err) => { this.#violation(err) }
    }).run()
    if (config.maxStreamWindowSize > config.initialStreamWindowSize || config.enableKeepAlive) {
      this.#pings.measure() // window auto-tuning needs an RTT early
    }
    if (config.enableKeepAlive) {
      this.#pings.startKeepAlive(config.keepAliveInterval)
    }
  }

  /** the last measured round trip time in ms (undefined until the first pong) */
  get rtt (): number | undefined {
    return this.#pings.rtt
  }

  /** bytes by which the receive windows of the open streams together exceed their initial size (at most maxConnectionWindowSize) */
  get receiveWindowGrowth (): number {
    return this.#windowBudget.used
  }

  get maxMessageSize (): number {
    return this.#config.maxMessageSize
  }

  /** ping the remote: the round trip time in ms */
  async ping (options?: AbortOptions): Promise<number> {
    if (this.#isClosed()) { throw new ConnectionClosedError('the muxer is closed') }
    return this.#pings.ping(options)
  }

  /** a method, not a comparison, so TypeScript does not narrow status across awaits and callbacks */
  #isClosed (): boolean {
    return this.status === 'closed'
  }

  // ---- StreamOwner ---------------------------------------------------------------------------

  get connectionBlocked (): boolean {
    return this.#writer.blocked
  }

  writeFrame (type: FrameTypeValue, flags: number, streamId: number, length: number, payload?: Uint8ArrayList): boolean {
    return this.#writer.write(type, flags, streamId, length, payload)
  }

  notifyOnDrain (stream: YamuxStream): void {
    this.#writer.notifyOnDrain(stream)
  }

  streamFinished (stream: YamuxStream): void {
    this.streamEnded(stream)
  }

  // ---- AbstractStreamMuxer hooks -------------------------------------------------------------

  protected untilCanOpen (options: AbortOptions): Promise<void> | undefined {
    // the spec: at most 256 outbound streams unacknowledged; the next one waits for an ACK
    return this.#ackBacklog >= MAX_ACK_BACKLOG ? this.#ackWaiters.wait(options) : undefined
  }

  protected nextStreamId (): string {
    return `${this.#ids.next()}`
  }

  protected onCreateStream (id: string, _options: CreateStreamOptions): YamuxStream {
    const stream = this.#newStream(Number(id), 'outbound')
    this.#ackBacklog++
    this.writeFrame(FrameType.WindowUpdate, Flag.SYN, stream.streamId, this.#config.initialStreamWindowSize - INITIAL_STREAM_WINDOW_BYTES)
    return stream
  }

  protected onAcceptStream (stream: YamuxStream): void {
    this.writeFrame(FrameType.WindowUpdate, Flag.ACK, stream.streamId, this.#config.initialStreamWindowSize - INITIAL_STREAM_WINDOW_BYTES)
  }

  protected onStreamFinished (stream: YamuxStream): void {
    this.#writer.forget(stream)
    if (stream.direction === 'outbound') { this.#acknowledge(stream) }
  }

  protected onCloseMuxer (): void {
    this.writeFrame(FrameType.GoAway, 0, 0, GoAwayCode.Normal)
    if (this.#ackWaiters.size > 0) { this.#ackWaiters.rejectAll(new ConnectionClosedError('the muxer is closing')) }
  }

  protected async closeConnection (options: AbortOptions): Promise<void> {
    // our EOF; the remote answers with its own, which ends the read loop and so the muxer
    this.#writer.flush()
    await this.#conn.closeWrite(options)
  }

  protected onMuxerClosed (err?: Error): void {
    // made only if a ping or an opener waits: building an error costs more than the rest of a close
    let closed: Error | undefined
    const reason = (): Error => err ?? (closed ??= new ConnectionClosedError('the muxer is closed'))
    this.#pings.stop(reason)
    if (this.#ackWaiters.size > 0) { this.#ackWaiters.rejectAll(reason()) }
    this.#writer.close()
  }

  protected onConnectionClose (): void {
    // the read loop sees the connection's end after the frames still buffered (a clean 'close'
    // can come before them): EOF, or the read failing
  }

  protected endConnection (): void {
    // the session no longer reads: what the remote still sends must not hold the connection open
    this.#conn.closeRead().catch(() => {})
    super.endConnection()
  }

  // ---- streams -------------------------------------------------------------------------------

  #newStream (id: number, direction: 'inbound' | 'outbound'): YamuxStream {
    return new YamuxStream({
      id: `${id}`,
      direction,
      log: this.log,
      streamId: id,
      owner: this,
      receiveWindow: new ReceiveWindow(this.#config.initialStreamWindowSize, this.#config.maxStreamWindowSize, this.#windowBudget, performance.now()),
      sendWindow: INITIAL_STREAM_WINDOW_BYTES,
      maxWriteBufferSize: this.#config.maxStreamWriteBufferSize,
      closeTimeout: this.#config.closeTimeout
    })
  }

  #acknowledge (stream: YamuxStream): void {
    if (stream.acknowledged) { return }
    stream.acknowledged = true
    this.#ackBacklog--
    this.#ackWaiters.resolveFirst()
  }

  // ---- reading -------------------------------------------------------------------------------

  /** a frame's header; for a data frame with a payload, the stream that takes it (undefined: dropped) */
  #onHeader (header: FrameHeader): YamuxStream | undefined {
    if (this.log.enabled) { this.log.trace('recv %s flags=%d id=%d length=%d', frameName(header.type), header.flags, header.streamId, header.length) }
    if (header.type === FrameType.Ping) {
      if ((header.flags & Flag.SYN) !== 0) {
        this.#writer.writeControl(FrameType.Ping, Flag.ACK, 0, header.length)
      } else if ((header.flags & Flag.ACK) !== 0) {
        this.#pings.onPong(header.length)
      }
      return
    }
    if (header.type === FrameType.GoAway) {
      this.#onGoAway(header.length)
      return
    }
    if (header.streamId === 0) {
      throw new ProtocolError(`yamux ${frameName(header.type)} frame for stream 0, the session`)
    }
    const stream = this.#streamFor(header)
    if (header.type !== FrameType.Data || header.length === 0) {
      if (stream != null) { this.#applyStreamFrame(header, stream, undefined) }
      return
    }
    if (stream == null) {
      // a stream that finished or was refused: its data is dropped, but never a frame larger than any window
      if (header.length > this.#config.maxStreamWindowSize) {
        throw new ProtocolError(`yamux data frame of ${header.length} bytes, larger than any window, for finished stream ${header.streamId}`)
      }
      return
    }
    if (stream.remoteClosedWrite) {
      throw new ProtocolError(`yamux data for stream ${header.streamId} after its FIN`)
    }
    if (header.length > stream.receiveCredit) {
      throw new ProtocolError(`yamux data frame of ${header.length} bytes for stream ${header.streamId}, beyond its window of ${stream.receiveCredit}`)
    }
    return stream
  }

  /** the open stream a data or window update frame is for, undefined if it is to be ignored; throws for violations */
  #streamFor (header: FrameHeader): YamuxStream | undefined {
    const id = header.streamId
    const open = this.getStream(`${id}`)
    if ((header.flags & Flag.SYN) === 0) {
      if (open == null) { this.#ids.checkFinished(id, header.type) }
      return open
    }
    this.#ids.openRemote(id)
    if ((header.flags & Flag.RST) !== 0) { return undefined }
    // every SYN makes us answer with ACK (onAcceptStream) or RST (the refused stream's abort)
    this.#writer.reserveControl()
    const stream = this.#newStream(id, 'inbound')
    // refused (closing, or maxInboundStreams open), or the listener or the muxer finished it already
    return this.acceptStream(stream) && this.getStream(stream.id) === stream ? stream : undefined
  }

  #applyStreamFrame (header: FrameHeader, stream: YamuxStream, payload: Uint8ArrayList | undefined): void {
    if (this.getStream(stream.id) !== stream) { return } // it finished while its payload arrived
    const flags = header.flags
    if ((flags & Flag.ACK) !== 0) { this.#acknowledge(stream) }
    if (payload != null) {
      stream.receiveData(payload)
    } else if (header.type === FrameType.WindowUpdate) {
      stream.receiveWindowUpdate(header.length)
    }
    if ((flags & Flag.FIN) !== 0 && !stream.remoteClosedWrite) { stream.receiveFin() }
    if ((flags & Flag.RST) !== 0) { stream.receiveReset() }
  }

  #onGoAway (code: number): void {
    if (this.log.enabled) { this.log('remote sent GoAway code %d', code) }
    if (code !== GoAwayCode.Normal) {
      this.shutdown(new GoAwayError(code), 'close')
      return
    }
    // no new streams; the open ones carry on, and once they are done the session closes (a remote
    // that went away but never closes the connection would otherwise hold it open forever)
    if (this.#ackWaiters.size > 0) { this.#ackWaiters.rejectAll(new ConnectionClosedError('the remote sent GoAway')) }
    this.remoteClosing()
  }

  /** the remote broke the protocol: GoAway with the code, end every stream, close the connection */
  #violation (err: Error): void {
    if (this.#isClosed()) { return }
    this.log.error('yamux protocol violation, closing the connection - %s', err.message)
    this.writeFrame(FrameType.GoAway, 0, 0, REMOTE_FAULTS.has(err.name) ? GoAwayCode.ProtocolError : GoAwayCode.InternalError)
    this.#writer.flush()
    this.shutdown(err, 'close')
  }
}
