import { option, validateInit } from '@libp2p/utils'
import { MIN_MESSAGE_SIZE_BYTES } from './constants.js'
import type { InitSchema } from '@libp2p/utils'

const dataChannel: InitSchema = {
  maxMessageSize: option.integer(MIN_MESSAGE_SIZE_BYTES),
  maxBufferedAmount: option.integer(1),
  bufferedAmountLowEventTimeout: option.ms(1),
  openTimeout: option.ms(1),
  closeTimeout: option.ms(1),
  maxUnreadBytes: option.integer(1),
  drainTimeout: option.unsupported('a stream waiting to send is bounded by dataChannel.bufferedAmountLowEventTimeout'),
  finAckTimeout: option.unsupported('dataChannel.closeTimeout is how long the FIN_ACK is awaited')
}

/** what both WebRTC transports accept */
const common: InitSchema = {
  rtcConfiguration: option.anyOf(option.func(), option.object('an RTCConfiguration or a function returning one')),
  dataChannel: option.nested(dataChannel),
  inboundConnectionTimeout: option.ms(1),
  outboundConnectionTimeout: option.ms(1),
  maxEarlyStreams: option.integer(0),
  maxInboundStreams: option.integer(1),
  maxOutboundStreams: option.integer(1)
}

/**
 * what `webRTCDirect(init)` accepts; the listener's options are accepted in browsers too, where
 * there is no listener, so one configuration serves both
 */
const direct: InitSchema = {
  ...common,
  certificate: option.allOf(option.nested({ privateKey: option.string(), pem: option.string(), certhash: option.string() }), option.custom((value) => {
    const { privateKey, pem, certhash } = value as Record<string, unknown>
    return privateKey == null || pem == null || certhash == null ? 'needs privateKey, pem and certhash' : undefined
  })),
  certificateLifespan: option.integer(1),
  maxPendingConnections: option.integer(1),
  certificateDatastoreKey: option.string(undefined, /^\//),
  certificateKeychainName: option.unsupported('there is no keychain: the certificate\'s private key is kept with it in the datastore under certificateDatastoreKey'),
  certificateRenewalThreshold: option.ms(1),
  certificateClock: option.object('a CertificateClock: { now(), setTimer(fn, ms) }')
}

/** throws InvalidParametersError naming the first bad option of webRTC(init) */
export function checkWebRTCInit (init: unknown): void {
  validateInit('webRTC()', init, common)
}

/** throws InvalidParametersError naming the first bad option of webRTCDirect(init) */
export function checkWebRTCDirectInit (init: unknown): void {
  validateInit('webRTCDirect()', init, direct)
}
