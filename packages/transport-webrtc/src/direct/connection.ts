import { noise } from '@chainsafe/libp2p-noise'
import { ConnectionFailedError, InvalidMultiaddrError, UnexpectedPeerError } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { withTimeout } from '@libp2p/utils'
import { SIGNALING_TIMEOUT_MS } from '../constants.js'
import { EarlyChannels } from '../muxer.js'
import { DataChannelStream } from '../stream.js'
import { upgrade } from '../upgrade.js'
import { noisePrologue, parseDirectAddress } from './sdp.js'
import type { DirectAddress } from './sdp.js'
import type { WebRTCTransportInit } from '../private-to-private/transport.js'
import type { ComponentLogger, Connection, DialTransportOptions, Logger, PeerId, PrivateKey, Upgrader } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'

/** what webRTCDirect() needs from the node (Node and browser builds) */
export interface WebRTCDirectTransportComponents {
  peerId: PeerId
  privateKey: PrivateKey
  upgrader: Upgrader
  logger: ComponentLogger
  /** the Node listener keeps its certificate here (without one, a new certificate every start) */
  datastore?: Datastore
}

/**
 * `dataChannel`, the stream limits and `maxEarlyStreams` as webRTC()'s; the connection timeouts
 * run from the first packet until the connection is upgraded
 */
export interface WebRTCDirectConnectionInit extends Pick<WebRTCTransportInit, 'dataChannel' | 'inboundConnectionTimeout' |
'outboundConnectionTimeout' | 'maxEarlyStreams' | 'maxInboundStreams' | 'maxOutboundStreams'> {}

/** the address, the peer the dial must reach if known, and the dial's deadline */
function prepareDial (ma: Multiaddr, options: DialTransportOptions, init: WebRTCDirectConnectionInit): { addr: DirectAddress, expected?: PeerId, signal: AbortSignal, done(): void } {
  const addr = parseDirectAddress(ma)
  if (addr == null) {
    throw new InvalidMultiaddrError(`${ma.toString()} is not /ip4|ip6/<ip>/udp/<port>/webrtc-direct/certhash/<hash>`)
  }
  let expected = options.remotePeer
  if (addr.peerId != null) {
    const named = peerIdFromString(addr.peerId)
    if (expected != null && !expected.equals(named)) {
      throw new UnexpectedPeerError(`${ma.toString()} names ${named.toString()}, not ${expected.toString()}`)
    }
    expected = named
  }
  const timeoutMs = init.outboundConnectionTimeout ?? SIGNALING_TIMEOUT_MS
  return { addr, expected, ...withTimeout(timeoutMs, `a WebRTC-Direct connection to ${ma.toString()}`, options.signal) }
}

/** what a dial brings: its peer connection, and the step that sets both descriptions and returns our DTLS fingerprint */
export interface DirectPeerConnection {
  pc: RTCPeerConnection
  negotiate(): Promise<Uint8Array>
}

/**
 * The dialer's side: `open` makes the peer connection for the address; channel 0 is created, the
 * descriptions set, then channel 0 opens, Noise runs as responder and the connection is upgraded.
 */
export async function dialDirect (ma: Multiaddr, options: DialTransportOptions, ctx: { init: WebRTCDirectConnectionInit, components: WebRTCDirectTransportComponents, log: Logger },
  open: (addr: DirectAddress) => DirectPeerConnection | Promise<DirectPeerConnection>): Promise<Connection> {
  const { addr, expected, signal, done } = prepareDial(ma, options, ctx.init)
  let pc: RTCPeerConnection | undefined
  try {
    const opened = await open(addr)
    pc = opened.pc
    const early = new EarlyChannels(pc, ctx.init.maxEarlyStreams)
    const channel0 = pc.createDataChannel('', { negotiated: true, id: 0 })
    const prologueBytes = noisePrologue(await opened.negotiate(), addr.fingerprint)
    await channelOpen(pc, channel0, signal)
    const stream = new DataChannelStream({ ...ctx.init.dataChannel, id: 'noise', channel: channel0, direction: 'outbound', log: ctx.log })
    // the client is the Noise responder
    const encrypter = noise({ prologueBytes })(ctx.components)
    const secured = await encrypter.secureInbound(stream, { remotePeer: expected, signal })
    ctx.log('WebRTC-Direct connection to %p secured', secured.remotePeer)
    // the dial's upgrader (the transport manager passes the node's), as every transport's dial() does
    return await upgrade(options.upgrader, ctx.init, pc, early, ma, secured.remotePeer, 'outbound', signal, ctx.log)
  } catch (err: any) {
    pc?.close()
    throw err
  } finally {
    done()
  }
}

export async function channelOpen (pc: RTCPeerConnection, channel: RTCDataChannel, signal: AbortSignal): Promise<void> {
  if (channel.readyState === 'open') { return }
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      channel.removeEventListener('open', onOpen)
      pc.removeEventListener('connectionstatechange', onState)
      signal.removeEventListener('abort', onAbort)
    }
    const onOpen = (): void => { cleanup(); resolve() }
    const onState = (): void => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
        cleanup()
        reject(new ConnectionFailedError(`the WebRTC-Direct connection ${pc.connectionState} before its handshake channel opened (wrong certhash?)`))
      }
    }
    const onAbort = (): void => { cleanup(); reject(signal.reason) }
    if (signal.aborted) { onAbort(); return }
    channel.addEventListener('open', onOpen)
    pc.addEventListener('connectionstatechange', onState)
    signal.addEventListener('abort', onAbort)
  })
}
