import { ConnectionClosedError, LimitExceededError, ProtocolError, TimeoutError, TypedEventEmitter } from '@libp2p/interface'
import { Waiters, abortAfter } from '@libp2p/utils'
import { INITIAL_STREAM_WINDOW_BYTES, MAX_ACK_BACKLOG, MAX_STREAM_ID, YAMUX_PROTOCOL_ID } from './constants.js'
import { FrameDecoder } from './decoder.js'
import { GoAwayError } from './errors.js'
import { FrameWriter } from './frame-writer.js'
import { Flag, FrameType, GoAwayCode, frameName } from './frame.js'
import { PingTracker } from './ping-tracker.js'
import { ReceiveWindow, WindowBudget } from './receive-window.js'
import { RemoteStreamIds } from './stream-ids.js'
import { YamuxStream } from './stream.js'
import type { YamuxConfig } from './config.js'
import type { FrameHeader, FrameTypeValue } from './frame.js'
import type { StreamOwner } from './stream.js'
import type {
  AbortOptions, CreateStreamOptions, Logger, MessageStream, Stream, StreamMuxer, StreamMuxerEvents, StreamMuxerInit,
  StreamMuxerStatus
} from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

/** a data frame whose header was read, waiting for its payload */
interface PendingData {
  header: FrameHeader
  stream: YamuxStream
}

function remoteDidNotClose (ms: number): Error {
  return new ConnectionClosedError(`the remote did not close within ${ms} ms`)
}

function connectionDidNotClose (ms: number): Error {
  return new TimeoutError(`the connection did not close within ${ms} ms`)
}

/** errors that mean the remote broke the protocol (GoAway code 1) rather than a bug of ours (code 2) */
const REMOTE_FAULTS = new Set(['ProtocolError', 'InvalidMessageError', 'LimitExceededError'])

/**
 * A yamux session over one connection (a MessageStream, usually Noise over TCP).
 *
 * Writing: frames of all streams are batched into one send() on the connection per tick, and
 * streams pause while the connection is over its high-water mark (see FrameWriter).
 *
 * Reading: one loop reads whatever the connection has buffered (one promise per read, not per
 * frame) and decodes every complete frame in it synchronously.
 */
export class YamuxMuxer extends TypedEventEmitter<StreamMuxerEvents> implements StreamMuxer, StreamOwner {
  readonly protocol = YAMUX_PROTOCOL_ID
  status: StreamMuxerStatus = 'open'
  readonly log: Logger
  readonly #conn: MessageStream
  readonly #writer: FrameWriter
  readonly #config: YamuxConfig
  readonly #streams = new Map<number, YamuxStream>()
  readonly #decoder = new FrameDecoder()
  readonly #remoteIds: RemoteStreamIds
  readonly #remoteIsClient: boolean
  readonly #pings: PingTracker
  readonly #ackWaiters = new Waiters<void>()
  readonly #closedWaiters = new Waiters<void>()
  readonly #windowBudget: WindowBudget
  #nextId: number
  #inbound = 0
  #outbound = 0
  #ackBacklog = 0
  #pending?: PendingData
  #skipBytes = 0
  #goAwaySent = false
  /** the remote sent GoAway (normal): once no stream is left, the session closes */
  #goAwayReceived = false
  #closing?: Promise<void>

  constructor (conn: MessageStream, init: StreamMuxerInit, config: YamuxConfig, log: Logger) {
    super()
    this.#conn = conn
    this.#writer = new FrameWriter(conn, (err) => { this.#fail(err) })
    this.#config = config
    this.#windowBudget = new WindowBudget(config.maxConnectionWindowSize)
    this.log = log
    // the dialer is the yamux client: odd ids; the listener even ids
    this.#remoteIsClient = init.direction === 'inbound'
    this.#nextId = this.#remoteIsClient ? 2 : 1
    this.#remoteIds = new RemoteStreamIds(this.#remoteIsClient ? 1 : 2)
    this.#pings = new PingTracker({
      sendPing: (opaque) => { this.writeFrame(FrameType.Ping, Flag.SYN, 0, opaque) },
      onKeepAliveTimeout: (err) => { this.#fail(err) }
    })
    void this.#readLoop()
    if (config.maxStreamWindowSize > config.initialStreamWindowSize || config.enableKeepAlive) {
      this.#pings.measure() // window auto-tuning needs an RTT early
    }
    if (config.enableKeepAlive) {
      this.#pings.startKeepAlive(config.keepAliveInterval)
    }
  }

  get streams (): Stream[] {
    return [...this.#streams.values()]
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

  createStream (options?: CreateStreamOptions): Stream | Promise<Stream> {
    this.#checkCanOpen()
    if (this.#ackBacklog >= MAX_ACK_BACKLOG) {
      return this.#openWhenAcknowledged(options)
    }
    return this.#openStream()
  }

  /** ping the remote: the round trip time in ms */
  async ping (options?: AbortOptions): Promise<number> {
    if (this.#isClosed()) { throw new ConnectionClosedError('the muxer is closed') }
    return this.#pings.ping(options)
  }

  async close (options?: AbortOptions): Promise<void> {
    if (this.#isClosed()) { return }
    this.#closing ??= this.#closeGracefully(options)
    await this.#closing
  }

  abort (err: Error): void {
    if (this.#isClosed()) { return }
    if (this.log.enabled) { this.log('aborting - %s', err.message) }
    this.#shutdown(err, () => err)
    this.#conn.abort(err)
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
    const id = stream.streamId
    if (this.#streams.get(id) !== stream) { return }
    this.#streams.delete(id)
    this.#writer.forget(stream)
    if (stream.direction === 'inbound') {
      this.#inbound--
    } else {
      this.#outbound--
      this.#acknowledge(stream)
    }
    this.#closeIfGoneAway()
  }

  // ---- opening streams -----------------------------------------------------------------------

  #checkCanOpen (): void {
    if (this.status !== 'open') {
      throw new ConnectionClosedError(`cannot open a stream: the muxer is ${this.status}`)
    }
    if (this.#outbound >= this.#config.maxOutboundStreams) {
      throw new LimitExceededError('maxOutboundStreams', this.#config.maxOutboundStreams, 'too many outbound yamux streams on this connection')
    }
  }

  async #openWhenAcknowledged (options?: AbortOptions): Promise<Stream> {
    while (this.#ackBacklog >= MAX_ACK_BACKLOG) {
      await this.#ackWaiters.wait(options)
      this.#checkCanOpen()
    }
    return this.#openStream()
  }

  #openStream (): YamuxStream {
    const id = this.#nextId
    if (id > MAX_STREAM_ID) {
      throw new LimitExceededError('streamIds', MAX_STREAM_ID, 'the yamux stream ids of this connection are used up; open a new connection')
    }
    this.#nextId += 2
    const stream = this.#newStream(id, 'outbound')
    this.#outbound++
    this.#ackBacklog++
    this.writeFrame(FrameType.WindowUpdate, Flag.SYN, id, this.#config.initialStreamWindowSize - INITIAL_STREAM_WINDOW_BYTES)
    return stream
  }

  #newStream (id: number, direction: 'inbound' | 'outbound'): YamuxStream {
    const stream = new YamuxStream({
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
    this.#streams.set(id, stream)
    return stream
  }

  #acknowledge (stream: YamuxStream): void {
    if (stream.acknowledged) { return }
    stream.acknowledged = true
    this.#ackBacklog--
    this.#ackWaiters.resolveFirst()
  }

  // ---- reading -------------------------------------------------------------------------------

  async #readLoop (): Promise<void> {
    while (!this.#isClosed()) {
      let chunk: Uint8ArrayList | null
      try {
        chunk = await this.#conn.read()
      } catch (err: any) {
        this.#fail(err)
        return
      }
      if (this.#isClosed()) { return }
      if (chunk == null) {
        this.#remoteEnded()
        return
      }
      this.#decoder.push(chunk)
      try {
        this.#processFrames()
      } catch (err: any) {
        this.#violation(err)
        return
      }
    }
  }

  /** handle every complete frame buffered; throws for protocol violations */
  #processFrames (): void {
    while (!this.#isClosed()) {
      if (this.#skipBytes > 0) {
        this.#skipBytes -= this.#decoder.skip(this.#skipBytes)
        if (this.#skipBytes > 0) { return }
      }
      if (this.#pending == null) {
        const header = this.#decoder.readHeader()
        if (header == null) { return }
        if (this.log.enabled) { this.log.trace('recv %s flags=%d id=%d length=%d', frameName(header.type), header.flags, header.streamId, header.length) }
        this.#onHeader(header)
        continue
      }
      const payload = this.#decoder.readPayload(this.#pending.header.length)
      if (payload == null) { return }
      const { header, stream } = this.#pending
      this.#pending = undefined
      this.#applyStreamFrame(header, stream, payload)
    }
  }

  #onHeader (header: FrameHeader): void {
    if (header.type === FrameType.Ping) {
      this.#onPing(header)
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
    if (header.type === FrameType.Data && header.length > 0) {
      if (stream == null) {
        // a stream that finished or was refused: drop its data, but never a frame larger than any window
        if (header.length > this.#config.maxStreamWindowSize) {
          throw new ProtocolError(`yamux data frame of ${header.length} bytes, larger than any window, for finished stream ${header.streamId}`)
        }
        this.#skipBytes = header.length
        return
      }
      if (stream.remoteClosedWrite) {
        throw new ProtocolError(`yamux data for stream ${header.streamId} after its FIN`)
      }
      if (header.length > stream.receiveCredit) {
        throw new ProtocolError(`yamux data frame of ${header.length} bytes for stream ${header.streamId}, beyond its window of ${stream.receiveCredit}`)
      }
      this.#pending = { header, stream }
      return
    }
    if (stream != null) {
      this.#applyStreamFrame(header, stream, undefined)
    }
  }

  /** the open stream a data or window update frame is for, undefined if it is to be ignored; throws for violations */
  #streamFor (header: FrameHeader): YamuxStream | undefined {
    const id = header.streamId
    const open = this.#streams.get(id)
    const remoteId = (id % 2 === 1) === this.#remoteIsClient
    if ((header.flags & Flag.SYN) === 0) {
      if (open != null) { return open }
      if (remoteId ? this.#remoteIds.existed(id) : id < this.#nextId) { return undefined }
      throw new ProtocolError(`yamux ${frameName(header.type)} frame for stream ${id}, which was never opened`)
    }
    if (!remoteId) {
      throw new ProtocolError(`yamux SYN for stream ${id}, an id of our parity`)
    }
    if (open != null || !this.#remoteIds.open(id)) {
      throw new ProtocolError(`yamux SYN reuses stream id ${id}`)
    }
    if ((header.flags & Flag.RST) !== 0) { return undefined }
    if (this.#goAwaySent || this.status !== 'open') {
      this.#writer.writeControl(FrameType.WindowUpdate, Flag.RST, id, 0)
      return undefined
    }
    if (this.#inbound >= this.#config.maxInboundStreams) {
      if (this.log.enabled) { this.log('refusing stream %d: maxInboundStreams=%d reached', id, this.#config.maxInboundStreams) }
      this.#writer.writeControl(FrameType.WindowUpdate, Flag.RST, id, 0)
      return undefined
    }
    const stream = this.#newStream(id, 'inbound')
    this.#inbound++
    this.#writer.writeControl(FrameType.WindowUpdate, Flag.ACK, id, this.#config.initialStreamWindowSize - INITIAL_STREAM_WINDOW_BYTES)
    this.safeDispatchEvent('stream', { detail: stream })
    // the listener may have closed it, or the muxer, already
    return this.#streams.get(id) === stream ? stream : undefined
  }

  #applyStreamFrame (header: FrameHeader, stream: YamuxStream, payload: Uint8ArrayList | undefined): void {
    if (this.#streams.get(header.streamId) !== stream) { return } // it finished while its payload arrived
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

  #onPing (header: FrameHeader): void {
    if ((header.flags & Flag.SYN) !== 0) {
      this.#writer.writeControl(FrameType.Ping, Flag.ACK, 0, header.length)
    } else if ((header.flags & Flag.ACK) !== 0) {
      this.#pings.onPong(header.length)
    }
  }

  #onGoAway (code: number): void {
    if (this.log.enabled) { this.log('remote sent GoAway code %d', code) }
    if (code !== GoAwayCode.Normal) {
      const err = new GoAwayError(code)
      this.#shutdown(err, () => err)
      this.#closeConnection()
      return
    }
    // no new streams; the open ones carry on, and once they are done the session closes (a remote
    // that went away but never closes the connection would otherwise hold it open forever)
    if (this.status === 'open') { this.status = 'closing' }
    this.#goAwayReceived = true
    if (this.#ackWaiters.size > 0) { this.#ackWaiters.rejectAll(new ConnectionClosedError('the remote sent GoAway')) }
    this.#closeIfGoneAway()
  }

  /** after the remote's GoAway, the last stream finished: close (bounded by closeTimeout) */
  #closeIfGoneAway (): void {
    if (!this.#goAwayReceived || this.#streams.size > 0 || this.#closing != null || this.#isClosed()) { return }
    this.close().catch((err: Error) => {
      if (this.log.enabled) { this.log('closing after the remote GoAway failed - %s', err.message) }
    })
  }

  // ---- ending --------------------------------------------------------------------------------

  async #closeGracefully (options?: AbortOptions): Promise<void> {
    this.status = 'closing'
    this.#goAwaySent = true
    this.writeFrame(FrameType.GoAway, 0, 0, GoAwayCode.Normal)
    if (this.#ackWaiters.size > 0) { this.#ackWaiters.rejectAll(new ConnectionClosedError('the muxer is closing')) }
    // on expiry the deadline aborts the muxer (and its connection), which ends every wait below;
    // a deadline queue rather than an AbortSignal.timeout() and AbortSignal.any() per close
    const deadline = abortAfter(this, this.#config.closeTimeout, remoteDidNotClose)
    try {
      // flush every stream and send its FIN; a stream that fails meanwhile does not stop the others
      await Promise.all(this.streams.map(async (stream) => stream.closeWrite(options).catch(() => {})))
      options?.signal?.throwIfAborted()
      if (!this.#isClosed()) {
        this.#writer.flush()
        await this.#conn.closeWrite(options)
        // the remote answers our EOF with its own, which ends the read loop
        if (!this.#isClosed()) { await this.#closedWaiters.wait(options) }
      }
    } catch (err: any) {
      const reason = deadline.error ?? err
      this.abort(reason)
      throw reason
    } finally {
      deadline.cancel()
    }
    if (deadline.error != null) { throw deadline.error }
  }

  /** the remote broke the protocol: GoAway with the code, end every stream, close the connection */
  #violation (err: Error): void {
    if (this.#isClosed()) { return }
    this.log.error('yamux protocol violation, closing the connection - %s', err.message)
    this.writeFrame(FrameType.GoAway, 0, 0, REMOTE_FAULTS.has(err.name) ? GoAwayCode.ProtocolError : GoAwayCode.InternalError)
    this.#writer.flush()
    this.#shutdown(err, () => err)
    this.#closeConnection()
  }

  /** the connection ended cleanly: streams the remote finished end cleanly, the others with an error */
  #remoteEnded (): void {
    if (this.#isClosed()) { return }
    this.#shutdown(undefined, (stream) => (stream.remoteWriteStatus === 'closed' || stream.readStatus === 'closed') && stream.writeBufferLength === 0
      ? undefined
      : new ConnectionClosedError('the connection closed before the stream ended'))
    this.#closeConnection()
  }

  /** the connection failed (read or write error, keep-alive timeout) */
  #fail (err: Error): void {
    if (this.#isClosed()) { return }
    this.#shutdown(err, () => err)
    this.#conn.abort(err)
  }

  #shutdown (err: Error | undefined, streamError: (stream: YamuxStream) => Error | undefined): void {
    this.status = 'closed'
    // made only if a ping or an opener waits: building an error costs more than the rest of a close
    let closed: Error | undefined
    const reason = (): Error => err ?? (closed ??= new ConnectionClosedError('the muxer is closed'))
    this.#pings.stop(reason)
    if (this.#ackWaiters.size > 0) { this.#ackWaiters.rejectAll(reason()) }
    for (const stream of [...this.#streams.values()]) {
      stream.onTransportClosed(streamError(stream))
    }
    this.#streams.clear()
    this.#writer.close()
    this.#closedWaiters.resolveAll()
    this.safeDispatchEvent('close', { detail: { error: err } })
  }

  /** flush what we wrote (GoAway) and close the connection, aborting it if the remote does not take it */
  #closeConnection (): void {
    const conn = this.#conn
    conn.closeRead().catch(() => {})
    const deadline = abortAfter(conn, this.#config.closeTimeout, connectionDidNotClose)
    conn.closeWrite().then(() => { deadline.cancel() }, (err: Error) => {
      deadline.cancel()
      conn.abort(err)
    })
  }
}
