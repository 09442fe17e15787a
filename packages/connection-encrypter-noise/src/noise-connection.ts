import { InvalidMessageError } from '@libp2p/interface'
import { AbstractMessageStream, afterTurn } from '@libp2p/utils'
import { Uint8ArrayList } from 'uint8arraylist'
import { NOISE_MAX_PLAINTEXT_BYTES } from './constants.js'
import { FrameDecoder } from './frame-decoder.js'
import type { CipherState } from './cipher-state.js'
import type { AbortOptions, Logger, MessageStream, MessageStreamEvents } from '@libp2p/interface'
import type { SendResult } from '@libp2p/utils'

export interface NoiseConnectionInit {
  /** the raw connection the handshake ran over; its read buffer holds anything read past it */
  raw: MessageStream
  /** encrypts what this side sends */
  send: CipherState
  /** decrypts what this side receives */
  receive: CipherState
  log: Logger
  writeHighWaterMark?: number
  writeLowWaterMark?: number
  maxWriteBufferSize?: number
  readHighWaterMark?: number
  closeTimeout?: number
}

/**
 * The encrypted connection: application bytes go out as Noise transport messages of at most
 * 65519 plaintext bytes each, and incoming messages are decrypted as they complete.
 *
 * Back-pressure runs both ways. When the raw connection's send() returns false this stream stops
 * taking data (canSendMore: false) until the raw connection drains. When the application leaves
 * more than readHighWaterMark unread, this stream stops pulling from the raw connection, so the
 * raw connection's own bounded buffer fills and pauses the transport.
 */
export class NoiseConnection extends AbstractMessageStream {
  readonly #raw: MessageStream
  readonly #send: CipherState
  readonly #receive: CipherState
  readonly #decoder = new FrameDecoder()
  #reading = false
  #paused = false
  #awaitingDrain = false
  /** a whole message left in this turn of the event loop: a partial one waits for its end */
  #inBurst = false

  constructor (init: NoiseConnectionInit) {
    super({ ...init, closeMode: 'connection', id: init.raw.id, direction: init.raw.direction })
    this.#raw = init.raw
    this.#send = init.send
    this.#receive = init.receive
    this.#raw.addEventListener('close', this.#onRawClose)
    void this.#readLoop()
  }

  /** the raw connection under the encryption */
  get raw (): MessageStream {
    return this.#raw
  }

  protected sendData (data: Uint8ArrayList, more: boolean): SendResult {
    // mid-burst, only whole messages: a partial one waits for the next send, so a stream of 64 KiB
    // writes (a yamux frame is 64 KiB + 12) is not cut into a full message and a 29-byte one each
    // time. `more` covers sends within one tick; #inBurst covers a writer that awaits between
    // writes (sink(), lpStream().write()) and so ends a tick after each: once a whole message
    // left in this turn of the event loop, the partial last one waits for the turn's end
    // (#endBurst), one turn at most. A small write outside a burst still leaves at once.
    const whole = more || this.#inBurst
    const total = whole ? data.byteLength - data.byteLength % NOISE_MAX_PLAINTEXT_BYTES : data.byteLength
    if (total >= NOISE_MAX_PLAINTEXT_BYTES && !this.#inBurst) {
      this.#inBurst = true
      afterTurn(() => { this.#endBurst() })
    }
    let sent = 0
    try {
      while (sent < total) {
        const end = Math.min(sent + NOISE_MAX_PLAINTEXT_BYTES, total)
        const frame = this.#send.encryptFrame(sent === 0 && end === data.byteLength ? data : data.sublist(sent, end))
        sent = end
        if (!this.#raw.send(frame)) {
          this.#waitForRawDrain()
          return { sentBytes: sent, canSendMore: false }
        }
      }
    } catch (err: any) {
      // the raw connection is gone (or the nonce space is spent): nothing more can be sent
      this.abort(err)
      return { sentBytes: 0, canSendMore: false }
    }
    return { sentBytes: sent, canSendMore: true }
  }

  protected async sendCloseWrite (options?: AbortOptions): Promise<void> {
    await this.#raw.closeWrite(options)
  }

  protected async sendCloseRead (options?: AbortOptions): Promise<void> {
    await this.#raw.closeRead(options)
  }

  protected sendReset (err: Error): void {
    this.#raw.abort(err)
  }

  protected sendPause (): void {
    this.#paused = true
  }

  protected sendResume (): void {
    this.#paused = false
    if (!this.#reading) {
      void this.#readLoop()
    }
  }

  protected onFinished (): void {
    this.#raw.removeEventListener('close', this.#onRawClose)
  }

  readonly #onRawClose = (evt: MessageStreamEvents['close']): void => {
    // a clean close is seen by the read loop as EOF after the last buffered byte
    if (evt.detail.error != null) {
      this.#rawFailed(evt.detail.error)
    }
  }

  /** the raw connection failed under us: a remote reset stays a reset, anything else aborts */
  #rawFailed (err: Error): void {
    if (this.#raw.status === 'reset') {
      this.onRemoteReset()
    } else {
      this.onTransportClosed(err)
    }
  }

  #endBurst (): void {
    this.#inBurst = false
    // what waited goes now; behind a blocked raw connection it goes with the drain
    if (!this.#awaitingDrain && this.writeBufferLength > 0) { this.onTransportDrain() }
  }

  #waitForRawDrain (): void {
    if (this.#awaitingDrain) { return }
    this.#awaitingDrain = true
    this.#raw.onDrain().then(() => {
      this.#awaitingDrain = false
      this.onTransportDrain()
    }, (err: Error) => {
      this.#awaitingDrain = false
      this.#rawFailed(err)
    })
  }

  async #readLoop (): Promise<void> {
    this.#reading = true
    try {
      while (!this.#paused && this.readStatus === 'readable') {
        let chunk: Uint8ArrayList | null
        try {
          chunk = await this.#raw.read()
        } catch (err: any) {
          this.#rawFailed(err)
          return
        }
        if (chunk == null) {
          // closeRead() here ended the raw read side: not the remote's EOF, and not an error
          if (this.readStatus !== 'readable') { return }
          if (this.#decoder.bufferedBytes > 0) {
            throw new InvalidMessageError(`the connection ended ${this.#decoder.bufferedBytes} bytes into a Noise message`)
          }
          this.onRemoteCloseWrite()
          return
        }
        this.#decoder.push(chunk)
        this.#decryptFrames()
      }
    } catch (err: any) {
      this.log.error('%s closing: %e', this.id, err)
      this.abort(err)
    } finally {
      this.#reading = false
    }
  }

  /** decrypt every complete message and hand the plaintext on in one piece per read */
  #decryptFrames (): void {
    let plaintext: Uint8ArrayList | undefined
    let frame = this.#decoder.next()
    while (frame != null) {
      const data = this.#receive.decryptFrame(frame)
      if (data.byteLength > 0) {
        plaintext ??= new Uint8ArrayList()
        plaintext.append(data)
      }
      frame = this.#decoder.next()
    }
    if (plaintext != null) {
      this.onData(plaintext)
    }
  }
}
