import { ConnectionFailedError, InvalidMessageError, ProtocolError } from '@libp2p/interface'
import { anySignal, HandshakeStream, withTimeout } from '@libp2p/utils'
import { INIT_CHANNEL_LABEL, LISTENER_CANDIDATE_HOLD_MS, MAX_ICE_CANDIDATES, MAX_SIGNALING_MESSAGE_BYTES } from '../constants.js'
import { EarlyChannels } from '../muxer.js'
import { SignalingMessage } from '../pb/signaling.js'
import type { Logger, Stream } from '@libp2p/interface'

export interface SignalingResult {
  /** connected, SCTP up */
  pc: RTCPeerConnection
  /** channels the remote opened meanwhile, for the muxer */
  earlyChannels: EarlyChannels
}

export interface SignalingOptions {
  signal: AbortSignal
  log: Logger
  /** data channels the remote may open before the muxer exists */
  maxEarlyStreams?: number
}

/**
 * Writes signaling messages in order, one at a time. Candidates found before our SDP is written
 * wait for it (the remote must see the offer or answer first); at most MAX_ICE_CANDIDATES are sent.
 */
class SignalingWriter {
  readonly #bytes: HandshakeStream<Stream>
  readonly #signal: AbortSignal
  #chain: Promise<void> = Promise.resolve()
  #held: SignalingMessage[] | undefined = []
  #candidates = 0
  #failed?: Error

  constructor (bytes: HandshakeStream<Stream>, signal: AbortSignal) {
    this.#bytes = bytes
    this.#signal = signal
  }

  /** our SDP: written first; the candidates held back follow unless `holdCandidates` (then at release()) */
  sdp (message: SignalingMessage, holdCandidates = false): void {
    this.#write(message)
    if (!holdCandidates) { this.release() }
  }

  /** write the candidates held back, and each new one from now on */
  release (): void {
    const held = this.#held ?? []
    this.#held = undefined
    for (const m of held) { this.#write(m) }
  }

  candidate (candidate: RTCIceCandidate | null): void {
    // the end of gathering needs no message: the remote reads until it is connected
    if (candidate == null || this.#candidates >= MAX_ICE_CANDIDATES) { return }
    this.#candidates++
    const message = { type: SignalingMessage.Type.ICE_CANDIDATE, data: JSON.stringify(candidate.toJSON()) }
    if (this.#held != null) {
      this.#held.push(message)
    } else {
      this.#write(message)
    }
  }

  /** resolves when everything queued is written; rejects with the first write error */
  async flushed (): Promise<void> {
    await this.#chain
    if (this.#failed != null) { throw this.#failed }
  }

  #write (message: SignalingMessage): void {
    this.#chain = this.#chain.then(async () => {
      if (this.#failed != null) { return }
      await this.#bytes.writePB(message, SignalingMessage, { signal: this.#signal })
    }).catch((err: Error) => { this.#failed ??= err })
  }
}

/**
 * Adds the remote's candidates to the peer connection, or holds them for a while. The listener
 * holds them until its ICE connects from the dialer's checks (the dialer then has our answer) or
 * LISTENER_CANDIDATE_HOLD_MS pass: checking a node-datachannel dialer before it has the answer
 * lets the DTLS handshake (we are the DTLS client) reach it before our fingerprint, and it
 * refuses the certificate ("unknown CA"). The hold is bounded by MAX_ICE_CANDIDATES.
 */
class RemoteCandidates {
  readonly #pc: RTCPeerConnection
  readonly #log: Logger
  #held: RTCIceCandidateInit[] | undefined
  #timer?: ReturnType<typeof setTimeout>
  readonly #onIceState = (): void => {
    const state = this.#pc.iceConnectionState
    if (state === 'connected' || state === 'completed' || state === 'failed' || state === 'closed') { this.release() }
  }

  constructor (pc: RTCPeerConnection, log: Logger, holdMs?: number) {
    this.#pc = pc
    this.#log = log
    if (holdMs != null) {
      this.#held = []
      this.#timer = setTimeout(() => { this.release() }, holdMs)
      pc.addEventListener('iceconnectionstatechange', this.#onIceState)
    }
  }

  async add (init: RTCIceCandidateInit): Promise<void> {
    if (this.#held != null) {
      this.#held.push(init)
      return
    }
    await this.#add(init)
  }

  release (): void {
    clearTimeout(this.#timer)
    this.#pc.removeEventListener('iceconnectionstatechange', this.#onIceState)
    const held = this.#held ?? []
    this.#held = undefined
    for (const init of held) { void this.#add(init) }
  }

  async #add (init: RTCIceCandidateInit): Promise<void> {
    try {
      await this.#pc.addIceCandidate(init)
    } catch (err: any) {
      if (this.#log.enabled) { this.#log('skipping a candidate - %s', err.message) }
    }
  }
}

async function readMessage (bytes: HandshakeStream<Stream>, signal: AbortSignal): Promise<SignalingMessage> {
  return bytes.readPB(SignalingMessage, { signal, maxDataLength: MAX_SIGNALING_MESSAGE_BYTES })
}

async function readSdp (bytes: HandshakeStream<Stream>, type: SignalingMessage.Type, signal: AbortSignal): Promise<string> {
  const message = await readMessage(bytes, signal)
  if (message.type !== type) {
    throw new ProtocolError(`expected ${type} on the signaling stream, got ${message.type ?? 'no type'}`)
  }
  if (message.data == null || message.data === '') {
    throw new InvalidMessageError(`the ${type} message carries no SDP`)
  }
  return message.data
}

/**
 * Read the remote's ICE candidates and add them until `connected` settles. A candidate the
 * RTCPeerConnection refuses (an mDNS or TCP one it cannot use) is skipped; anything but a
 * candidate, unparseable JSON or more than MAX_ICE_CANDIDATES is a protocol error.
 */
async function readCandidates (stream: Stream, bytes: HandshakeStream<Stream>, candidates: RemoteCandidates, signal: AbortSignal): Promise<void> {
  let count = 0
  while (true) {
    let message: SignalingMessage
    try {
      message = await readMessage(bytes, signal)
    } catch (err: any) {
      // the remote closed its side (it is connected, or gave up: the connection state decides)
      if (err.name === 'InvalidMessageError' && stream.remoteWriteStatus === 'closed') { return }
      throw err
    }
    if (message.type !== SignalingMessage.Type.ICE_CANDIDATE) {
      throw new ProtocolError(`expected ICE_CANDIDATE on the signaling stream, got ${message.type ?? 'no type'}`)
    }
    if (++count > MAX_ICE_CANDIDATES) {
      throw new ProtocolError(`more than ${MAX_ICE_CANDIDATES} ICE candidates`)
    }
    let init: RTCIceCandidateInit | null
    try {
      init = JSON.parse(message.data ?? 'null')
    } catch {
      throw new InvalidMessageError('an ICE candidate is not JSON')
    }
    // null or an empty candidate: the remote finished gathering
    if (init == null || typeof init !== 'object' || init.candidate == null || init.candidate === '') { continue }
    await candidates.add(init)
  }
}

/** resolves once connected and `sctpReady` resolved; rejects if the connection fails or closes */
async function connected (pc: RTCPeerConnection, sctpReady: Promise<void>, signal: AbortSignal, log: Logger): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      pc.removeEventListener('connectionstatechange', check)
      signal.removeEventListener('abort', onAbort)
    }
    const check = (): void => {
      const state = pc.connectionState
      if (log.enabled) { log('connection state %s (ice %s)', state, pc.iceConnectionState) }
      if (state === 'connected') {
        cleanup()
        resolve()
      } else if (state === 'failed' || state === 'closed') {
        cleanup()
        reject(new ConnectionFailedError(`the WebRTC connection ${state}`))
      }
    }
    const onAbort = (): void => {
      cleanup()
      reject(signal.reason)
    }
    pc.addEventListener('connectionstatechange', check)
    signal.addEventListener('abort', onAbort, { once: true })
    check()
  })
  await abortable(sctpReady, signal)
}

async function abortable<T> (p: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
  })
}

/**
 * Exchange candidates until connected and SCTP is up, then end the signaling stream: close our
 * side and read the remote's to its end in the background (the spec closes it on both sides).
 * For the listener the dialer ending its side also says SCTP is up: it does so
 * once its 'init' channel opened, and that channel may close before it is ever announced here.
 */
async function exchangeCandidates (stream: Stream, bytes: HandshakeStream<Stream>, writer: SignalingWriter, pc: RTCPeerConnection, sctpReady: Promise<void>, listener: boolean, options: SignalingOptions): Promise<void> {
  const eofMeansReady = listener
  const candidates = new RemoteCandidates(pc, options.log, listener ? LISTENER_CANDIDATE_HOLD_MS : undefined)
  const stopReading = new AbortController()
  const reading = anySignal(options.signal, stopReading.signal)
  // resolves at the remote's EOF, rejects on a protocol error (which fails the attempt)
  const readEnded = readCandidates(stream, bytes, candidates, reading.signal)
  const readFailure = readEnded.then(async () => new Promise<never>(() => {}))
  const ready = eofMeansReady ? Promise.race([sctpReady, readEnded]) : sctpReady
  try {
    await Promise.race([connected(pc, ready, options.signal, options.log), readFailure])
  } finally {
    stopReading.abort()
    await readEnded.catch(() => {})
    reading.done()
    candidates.release()
  }
  await writer.flushed()
  void (async () => {
    await stream.closeWrite({ signal: options.signal })
    await readCandidates(stream, bytes, candidates, options.signal).catch(() => {})
    const closing = withTimeout(5_000, 'closing the signaling stream')
    await stream.close({ signal: closing.signal }).finally(() => { closing.done() })
  })().catch((err: Error) => { stream.abort(err) })
}

/**
 * The dialer's side of /webrtc-signaling/0.0.1 (specs/libp2p/webrtc/webrtc.md, steps 4-8): an
 * 'init' channel, the SDP offer, the answer, candidates both ways, connected.
 */
export async function initiateSignaling (stream: Stream, pc: RTCPeerConnection, options: SignalingOptions): Promise<SignalingResult> {
  const bytes = new HandshakeStream(stream)
  const writer = new SignalingWriter(bytes, options.signal)
  const earlyChannels = new EarlyChannels(pc, options.maxEarlyStreams)
  pc.onicecandidate = (evt) => { writer.candidate(evt.candidate) }
  const init = pc.createDataChannel(INIT_CHANNEL_LABEL)
  const initOpen = new Promise<void>((resolve) => { init.onopen = () => { resolve() } })
  const offer = await pc.createOffer()
  await pc.setLocalDescription(offer)
  // our candidates wait for the answer: a listener that had them would start ICE checks before we
  // can answer them, and node-datachannel then sometimes closes the connection when the answer is set
  writer.sdp({ type: SignalingMessage.Type.SDP_OFFER, data: offer.sdp }, true)
  const answer = await readSdp(bytes, SignalingMessage.Type.SDP_ANSWER, options.signal)
  await pc.setRemoteDescription({ type: 'answer', sdp: answer })
  writer.release()
  // the 'init' channel opening says SCTP is up: channels made before may never open
  await exchangeCandidates(stream, bytes, writer, pc, initOpen, false, options)
  // wait for it to close on both ends: a stream channel could otherwise get its id while the
  // remote still sees 'init' there
  const initClosed = new Promise<void>((resolve) => { init.onclose = () => { resolve() } })
  init.close()
  await abortable(initClosed, options.signal)
  return { pc, earlyChannels }
}

/** The listener's side: read the offer, answer it, candidates both ways, connected */
export async function answerSignaling (stream: Stream, pc: RTCPeerConnection, options: SignalingOptions): Promise<SignalingResult> {
  const bytes = new HandshakeStream(stream)
  const writer = new SignalingWriter(bytes, options.signal)
  const earlyChannels = new EarlyChannels(pc, options.maxEarlyStreams)
  pc.onicecandidate = (evt) => { writer.candidate(evt.candidate) }
  const offer = await readSdp(bytes, SignalingMessage.Type.SDP_OFFER, options.signal)
  await pc.setRemoteDescription({ type: 'offer', sdp: offer })
  const answer = await pc.createAnswer()
  await pc.setLocalDescription(answer)
  writer.sdp({ type: SignalingMessage.Type.SDP_ANSWER, data: answer.sdp })
  // the dialer's 'init' channel arriving (or its end of the stream) says SCTP is up
  await exchangeCandidates(stream, bytes, writer, pc, earlyChannels.sctpReady, true, options)
  return { pc, earlyChannels }
}
