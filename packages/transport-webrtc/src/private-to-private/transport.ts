import { ConnectionFailedError, InvalidMultiaddrError, UnexpectedPeerError, transportSymbol } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { withTimeout } from '@libp2p/utils'
import { MAX_INBOUND_SIGNALING_STREAMS, SIGNALING_ATTEMPTS, SIGNALING_PROTOCOL, SIGNALING_TIMEOUT_MS } from '../constants.js'
import { checkWebRTCInit } from '../init-schema.js'
import { createPeerConnection } from '../rtc.js'
import { upgrade } from '../upgrade.js'
import { parseDialAddress, parseListenAddress, webrtcAddress } from './addresses.js'
import { WebRTCListener } from './listener.js'
import { SignalingTurns } from './signaling-turns.js'
import { answerSignaling, initiateSignaling } from './signaling.js'
import type { DataChannelOptions } from '../stream.js'
import type { SignalingResult } from './signaling.js'
import type {
  ComponentLogger, Connection, ConnectionManager, CreateListenerOptions, DialProfile, DialTransportOptions, Libp2pEvents, Listener, Logger,
  PeerId, Registrar, Startable, Stream, Transport, TransportManager, TypedEventTarget, Upgrader
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * The WebRTC connection is direct, so unlimited; its dial opens the relayed connection to signal
 * over (a circuit dial, tier 1 in the dial queue's terms) through the connection manager
 */
const SIGNALLED_DIAL: DialProfile = { limited: false, tier: 2 }

export interface WebRTCTransportComponents {
  peerId: PeerId
  registrar: Registrar
  upgrader: Upgrader
  transportManager: TransportManager
  connectionManager: Pick<ConnectionManager, 'getConnections' | 'openConnection'>
  events: TypedEventTarget<Libp2pEvents>
  logger: ComponentLogger
}

export interface WebRTCTransportInit {
  /** passed to every RTCPeerConnection (STUN/TURN servers; in Node, node-datachannel's `bindAddress` too) */
  rtcConfiguration?: RTCConfiguration | (() => RTCConfiguration | Promise<RTCConfiguration>)
  /** options of the data-channel streams */
  dataChannel?: DataChannelOptions
  /** an inbound signaling exchange until connected, in ms (default 30 s) */
  inboundConnectionTimeout?: number
  /** an outbound one, from opening the relayed connection until connected, in ms (default 30 s) */
  outboundConnectionTimeout?: number
  /** data channels the remote may open before the muxer exists, while signaling ends (default 32); more are closed */
  maxEarlyStreams?: number
  /** streams the remote may have open at once on one WebRTC connection (default 1024) */
  maxInboundStreams?: number
  /** streams we may have open at once on one WebRTC connection (default 1024) */
  maxOutboundStreams?: number
}

/**
 * Private-to-private WebRTC (specs/libp2p/webrtc/webrtc.md). Dialing
 * `…/p2p-circuit/webrtc/p2p/<peer>` opens a relayed connection to the peer, runs
 * /webrtc-signaling/0.0.1 on it (SDP offer and answer, ICE candidates, all inside the relayed
 * connection's end-to-end Noise), then upgrades the direct RTCPeerConnection without an encrypter
 * or muxer: DTLS secures it and its certificate fingerprints came over the authenticated relayed
 * connection, so the remote peer is the relayed connection's; data channels are the streams.
 */
export class WebRTCTransport implements Transport, Startable {
  readonly [Symbol.toStringTag] = '@libp2p/webrtc'
  readonly [transportSymbol] = true
  readonly #components: WebRTCTransportComponents
  readonly #init: WebRTCTransportInit
  readonly #log: Logger
  readonly #listeners = new Set<WebRTCListener>()
  readonly #turns = new SignalingTurns()
  #started = false

  constructor (components: WebRTCTransportComponents, init: WebRTCTransportInit = {}) {
    this.#components = components
    this.#init = init
    this.#log = components.logger.forComponent('libp2p:webrtc')
  }

  async start (): Promise<void> {
    if (this.#started) { return }
    this.#started = true
    await this.#components.registrar.handle(SIGNALING_PROTOCOL, async (stream, connection) => {
      await this.#onSignalingStream(stream, connection)
    }, {
      runOnLimitedConnection: true,
      maxInboundStreams: MAX_INBOUND_SIGNALING_STREAMS,
      maxOutboundStreams: 1
    })
  }

  async stop (): Promise<void> {
    if (!this.#started) { return }
    this.#started = false
    await this.#components.registrar.unhandle(SIGNALING_PROTOCOL)
  }

  listenFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => parseListenAddress(ma) !== undefined)
  }

  dialFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => parseDialAddress(ma) != null)
  }

  dialProfile (_multiaddr: Multiaddr): DialProfile {
    return SIGNALLED_DIAL
  }

  createListener (_options: CreateListenerOptions): Listener {
    const listener = new WebRTCListener(this.#components)
    this.#listeners.add(listener)
    listener.addEventListener('close', () => { this.#listeners.delete(listener) }, { once: true })
    return listener
  }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    const parsed = parseDialAddress(ma)
    if (parsed == null) {
      throw new InvalidMultiaddrError(`${ma.toString()} is not <relay address>/p2p-circuit/webrtc/p2p/<peer>`)
    }
    const target = peerIdFromString(parsed.targetId)
    if (options.remotePeer != null && !options.remotePeer.equals(target)) {
      throw new UnexpectedPeerError(`${ma.toString()} leads to ${target.toString()}, not ${options.remotePeer.toString()}`)
    }
    const timeoutMs = this.#init.outboundConnectionTimeout ?? SIGNALING_TIMEOUT_MS
    const { signal, done } = withTimeout(timeoutMs, `a WebRTC connection to ${target.toString()}`, options.signal)
    let stream: Stream | undefined
    let pc: RTCPeerConnection | undefined
    try {
      // The first open connection to the peer carries the signaling, as before this dial went
      // through the connection manager (openConnection would prefer an unlimited one, such as an
      // earlier WebRTC connection: signaling over one, a failed inbound upgrade left the dialer's
      // connection open in the compliance suite more often). Else the relayed connection, dialled
      // from a lower tier's slots than this dial holds and shared by concurrent dials to the
      // peer, which take turns on it.
      const relayed = this.#components.connectionManager.getConnections(target).find(c => c.status === 'open') ??
        await this.#components.connectionManager.openConnection(parsed.circuit, {
          signal, runOnLimitedConnection: true, withinDialTier: SIGNALLED_DIAL.tier
        })
      const endTurn = await this.#turns.take(relayed, signal)
      let result: SignalingResult | undefined
      try {
        for (let attempt = 1; result == null; attempt++) {
          stream = await relayed.newStream(SIGNALING_PROTOCOL, { signal, runOnLimitedConnection: true })
          pc = createPeerConnection(await this.#rtcConfiguration())
          result = await this.#initiate(stream, pc, target, attempt, signal)
        }
      } finally {
        // on failure the stream is aborted below, which ends the turn
        endTurn(stream)
      }
      this.#log('connected to %p over WebRTC', target)
      return await this.#upgrade(options.upgrader, result, ma, target, 'outbound', signal)
    } catch (err: any) {
      stream?.abort(err)
      pc?.close()
      throw err
    } finally {
      done()
    }
  }

  /** one signaling exchange as the dialer; undefined when its peer connection failed and another attempt may follow */
  async #initiate (stream: Stream, pc: RTCPeerConnection, target: PeerId, attempt: number, signal: AbortSignal): Promise<SignalingResult | undefined> {
    try {
      return await initiateSignaling(stream, pc, { signal, log: this.#log, maxEarlyStreams: this.#init.maxEarlyStreams })
    } catch (err: any) {
      // node-datachannel now and then closes a peer connection while ICE checks run (seen on
      // loopback under load); a fresh one on a new signaling stream connects
      if (err.name !== ConnectionFailedError.name || attempt >= SIGNALING_ATTEMPTS) { throw err }
      this.#log('WebRTC connection to %p failed (%s), signaling again', target, err.message)
      stream.abort(err)
      pc.close()
      return undefined
    }
  }

  async #onSignalingStream (stream: Stream, relayed: Connection): Promise<void> {
    const timeoutMs = this.#init.inboundConnectionTimeout ?? SIGNALING_TIMEOUT_MS
    const { signal, done } = withTimeout(timeoutMs, `a WebRTC connection from ${relayed.remotePeer.toString()}`)
    let pc: RTCPeerConnection | undefined
    try {
      pc = createPeerConnection(await this.#rtcConfiguration())
      const result = await answerSignaling(stream, pc, { signal, log: this.#log, maxEarlyStreams: this.#init.maxEarlyStreams })
      const remoteAddr = webrtcAddress(relayed.remoteAddr) ?? relayed.remoteAddr
      const connection = await this.#upgrade(this.#components.upgrader, result, remoteAddr, relayed.remotePeer, 'inbound', signal)
      for (const listener of this.#listeners) { listener.onConnection(connection) }
    } catch (err: any) {
      this.#log('inbound WebRTC connection from %p failed - %s', relayed.remotePeer, err.message)
      stream.abort(err)
      pc?.close()
    } finally {
      done()
    }
  }

  /** outbound: the upgrader dial() was given, as the Transport contract says; inbound: the node's */
  async #upgrade (upgrader: Upgrader, result: SignalingResult, remoteAddr: Multiaddr, remotePeer: PeerId, direction: 'inbound' | 'outbound', signal: AbortSignal): Promise<Connection> {
    // The remote may have closed its peer connection while signaling ended (a listener whose
    // upgrade failed does, and the dialer's wait for 'init' to close then ends with it). The
    // connection ends on a state change after this point, so one already final would never
    // be noticed: the upgraded connection would outlive its peer connection.
    const state = result.pc.connectionState
    if (state === 'closed' || state === 'failed') {
      throw new ConnectionFailedError(`the WebRTC connection ${state} before its upgrade`)
    }
    return upgrade(upgrader, this.#init, result.pc, result.earlyChannels, remoteAddr, remotePeer, direction, signal, this.#log)
  }

  async #rtcConfiguration (): Promise<RTCConfiguration> {
    const config = this.#init.rtcConfiguration
    return typeof config === 'function' ? config() : (config ?? {})
  }
}

export function webRTC (init: WebRTCTransportInit = {}): (components: WebRTCTransportComponents) => Transport {
  checkWebRTCInit(init)
  return (components) => new WebRTCTransport(components, init)
}
