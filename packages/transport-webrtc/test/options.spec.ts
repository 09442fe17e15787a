import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { webRTC, webRTCDirect } from '../src/index.js'

const common = {
  rtcConfiguration: { iceServers: [{ urls: 'stun:stun.example.com:3478' }] },
  dataChannel: { maxMessageSize: 1024, maxBufferedAmount: 1 << 20, bufferedAmountLowEventTimeout: 1000, openTimeout: 1000, closeTimeout: 1000, maxUnreadBytes: 1 << 20 },
  inboundConnectionTimeout: 1000,
  outboundConnectionTimeout: 1000,
  maxEarlyStreams: 4,
  maxInboundStreams: 16,
  maxOutboundStreams: 16
}

const refused: Parameters<typeof optionTests>[2]['refused'] = [
  ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
  ['a wrong type', { rtcConfiguration: 'stun:x' }, 'rtcConfiguration'],
  ['a value out of range', { dataChannel: { maxMessageSize: 10 } }, 'dataChannel.maxMessageSize'],
  ['a js-libp2p option it lacks', { dataChannel: { finAckTimeout: 100 } }, 'dataChannel.finAckTimeout']
]

optionTests('webRTC()', webRTC, {
  valid: [common, { rtcConfiguration: async () => ({}) }],
  refused: [...refused, ['a WebRTC-Direct option', { certificateLifespan: 1000 }, 'certificateLifespan']]
})

optionTests('webRTCDirect()', webRTCDirect, {
  valid: [
    { ...common, certificate: { privateKey: 'k', pem: 'p', certhash: 'h' }, certificateLifespan: 1000, maxPendingConnections: 8 },
    { certificateDatastoreKey: '/my/cert', certificateRenewalThreshold: 500, certificateLifespan: 1000, certificateClock: { now: () => 0, setTimer: () => () => {} } }
  ],
  refused: [
    ...refused,
    ['an incomplete certificate', { certificate: { pem: 'p' } }, 'certificate'],
    ['a datastore key that is not a path', { certificateDatastoreKey: 'x' }, 'certificateDatastoreKey'],
    ['a certificate option it lacks (no keychain)', { certificateKeychainName: 'x' }, 'certificateKeychainName']
  ]
})
