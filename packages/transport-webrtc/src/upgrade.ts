import { dataChannelMuxerFactory } from './muxer.js'
import { WebRTCConnection } from './webrtc-connection.js'
import type { EarlyChannels } from './muxer.js'
import type { WebRTCTransportInit } from './private-to-private/transport.js'
import type { Connection, Logger, PeerId, Upgrader } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type UpgradeInit = Pick<WebRTCTransportInit, 'dataChannel' | 'maxInboundStreams' | 'maxOutboundStreams'>

/**
 * A connected RTCPeerConnection as a libp2p connection, for both transports: no encryption step
 * (DTLS, bound to the peer ids by Noise or by signaling over an encrypted relay) and the data
 * channel muxer, with the channels the remote opened early
 */
export async function upgrade (upgrader: Upgrader, init: UpgradeInit, pc: RTCPeerConnection, early: EarlyChannels,
  remoteAddr: Multiaddr, remotePeer: PeerId, direction: 'inbound' | 'outbound', signal: AbortSignal, log: Logger): Promise<Connection> {
  const maConn = new WebRTCConnection({ peerConnection: pc, remoteAddr, direction, log })
  const muxerFactory = dataChannelMuxerFactory({
    peerConnection: pc,
    earlyChannels: early,
    dataChannel: init.dataChannel,
    maxInboundStreams: init.maxInboundStreams,
    maxOutboundStreams: init.maxOutboundStreams,
    log
  })
  const options = { skipEncryption: true, remotePeer, muxerFactory, signal }
  return direction === 'outbound'
    ? upgrader.upgradeOutbound(maConn, options)
    : upgrader.upgradeInbound(maConn, options)
}
