import { AbstractStreamMuxer } from '@libp2p/utils'
import { INIT_CHANNEL_LABEL, MAX_EARLY_CHANNELS, WEBRTC_MUXER_PROTOCOL } from './constants.js'
import { DataChannelStream } from './stream.js'
import type { DataChannelOptions } from './stream.js'
import type { CreateStreamOptions, Logger, MessageStream, StreamMuxer, StreamMuxerFactory, StreamMuxerInit } from '@libp2p/interface'
import type { MuxedConnection } from '@libp2p/utils'

export interface DataChannelMuxerInit {
  /** the connection's adapter (closes the RTCPeerConnection, fires 'close' when it ends) */
  connection: MuxedConnection
  peerConnection: RTCPeerConnection
  /** channels the remote opened before the muxer existed, in order */
  earlyChannels?: RTCDataChannel[]
  dataChannel?: DataChannelOptions
  maxInboundStreams?: number
  maxOutboundStreams?: number
  log: Logger
}

/**
 * Streams as data channels (specs/libp2p/webrtc/README.md): each outbound stream is a new
 * channel (label '', negotiated in-band), each channel the remote opens is an inbound stream. The
 * dialer's 'init' channel of the signaling step is not a stream.
 */
export class DataChannelMuxer extends AbstractStreamMuxer<DataChannelStream> {
  readonly #pc: RTCPeerConnection
  readonly #options: DataChannelOptions
  #channelCount = 0

  constructor (init: DataChannelMuxerInit) {
    super({
      protocol: WEBRTC_MUXER_PROTOCOL,
      connection: init.connection,
      log: init.log,
      maxInboundStreams: init.maxInboundStreams,
      maxOutboundStreams: init.maxOutboundStreams
    })
    this.#pc = init.peerConnection
    this.#options = init.dataChannel ?? {}
    this.#pc.ondatachannel = (evt) => { this.#onChannel(evt.channel) }
    // the upgrader listens for 'stream' only once this constructor has returned (the connection
    // is made from the muxer): streams accepted here would reach no one, and the remote's first
    // stream would hang in protocol negotiation. Events of later channels are tasks, so the early
    // ones still come first.
    const early = init.earlyChannels ?? []
    if (early.length > 0) { queueMicrotask(() => { for (const channel of early) { this.#onChannel(channel) } }) }
  }

  protected onCreateStream (id: string, _options: CreateStreamOptions): DataChannelStream {
    // the spec wants an empty label on stream channels
    const channel = this.#pc.createDataChannel('')
    return this.#stream(id, channel, 'outbound')
  }

  protected onMuxerClosed (): void {
    this.#pc.ondatachannel = null
  }

  #onChannel (channel: RTCDataChannel): void {
    if (channel.label === INIT_CHANNEL_LABEL) {
      // the dialer closes it once connected; it carries nothing
      return
    }
    const stream = this.#stream(`${this.#channelCount++}i`, channel, 'inbound')
    this.acceptStream(stream)
  }

  #stream (id: string, channel: RTCDataChannel, direction: 'inbound' | 'outbound'): DataChannelStream {
    return new DataChannelStream({
      ...this.#options,
      id,
      channel,
      direction,
      log: this.log
    })
  }
}

/**
 * Collects the data channels the remote opens while signaling finishes, before the upgrader has
 * created the muxer (js-libp2p opens identify at once). At most `max` (maxEarlyStreams); more are closed.
 */
export class EarlyChannels {
  readonly channels: RTCDataChannel[] = []
  /** resolves when the first channel arrives (the dialer's 'init'): SCTP is up */
  readonly sctpReady: Promise<void>
  readonly #pc: RTCPeerConnection

  constructor (pc: RTCPeerConnection, max: number = MAX_EARLY_CHANNELS) {
    this.#pc = pc
    let ready = (): void => {}
    this.sctpReady = new Promise<void>(resolve => { ready = resolve })
    pc.ondatachannel = (evt) => {
      ready()
      if (evt.channel.label === INIT_CHANNEL_LABEL) { return }
      if (this.channels.length >= max) {
        evt.channel.close()
        return
      }
      this.channels.push(evt.channel)
    }
  }

  /** stop collecting: the muxer takes over `channels` */
  take (): RTCDataChannel[] {
    this.#pc.ondatachannel = null
    return this.channels.splice(0)
  }
}

/** The muxer factory of one RTCPeerConnection: the upgrader's `muxerFactory` for a WebRTC connection */
export function dataChannelMuxerFactory (init: Omit<DataChannelMuxerInit, 'earlyChannels' | 'connection'> & { earlyChannels?: EarlyChannels }): StreamMuxerFactory {
  return {
    protocol: WEBRTC_MUXER_PROTOCOL,
    createStreamMuxer (connection: MessageStream, _init: StreamMuxerInit): StreamMuxer {
      return new DataChannelMuxer({
        ...init,
        // the upgrader hands us the WebRTC maConn (webrtc-connection.ts), which is a MuxedConnection
        connection,
        earlyChannels: init.earlyChannels?.take()
      })
    }
  }
}
