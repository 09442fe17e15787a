import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { ping } from '../src/index.js'

optionTests('ping()', ping, {
  valid: [{ protocolPrefix: 'test', timeout: 1000, idleTimeout: 1000, maxInboundStreams: 4, maxOutboundStreams: 4, runOnLimitedConnection: false }],
  refused: [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['a wrong type', { timeout: '5s' }, 'timeout'],
    ['a value out of range', { maxOutboundStreams: 0 }, 'maxOutboundStreams'],
    ['a protocol prefix with a slash', { protocolPrefix: 'a/b' }, 'protocolPrefix']
  ]
})
