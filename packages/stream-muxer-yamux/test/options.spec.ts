import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { yamux } from '../src/index.js'

const KiB = 1024

optionTests('yamux()', yamux, {
  valid: [{
    maxInboundStreams: 10,
    maxOutboundStreams: 10,
    initialStreamWindowSize: 256 * KiB,
    maxStreamWindowSize: 1024 * KiB,
    maxConnectionWindowSize: 0,
    maxMessageSize: 16 * KiB,
    maxStreamWriteBufferSize: 64 * KiB,
    enableKeepAlive: false,
    keepAliveInterval: 1000,
    closeTimeout: 1000
  }],
  refused: [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['a wrong type', { enableKeepAlive: 'yes' }, 'enableKeepAlive'],
    ['a value out of range', { initialStreamWindowSize: 1000 }, 'initialStreamWindowSize'],
    ['a max window below the initial one', { initialStreamWindowSize: 512 * KiB, maxStreamWindowSize: 300 * KiB }, 'maxStreamWindowSize'],
    ['a js-libp2p option it lacks', { streamOptions: { inactivityTimeout: 1 } }, 'streamOptions']
  ]
})
