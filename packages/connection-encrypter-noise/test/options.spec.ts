import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { noise } from '../src/index.js'

optionTests('noise()', noise, {
  valid: [{
    staticNoiseKey: new Uint8Array(32).fill(7),
    extensions: { streamMuxers: ['/yamux/1.0.0'], webtransportCerthashes: [new Uint8Array(34)] },
    handshakeTimeout: 1000,
    prologueBytes: new Uint8Array(8)
  }],
  refused: [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['a wrong type', { prologueBytes: 'abc' }, 'prologueBytes'],
    ['a value out of range', { handshakeTimeout: 0 }, 'handshakeTimeout'],
    ['a static key of the wrong size', { staticNoiseKey: new Uint8Array(31) }, 'staticNoiseKey'],
    ['a nested wrong type', { extensions: { streamMuxers: [1] } }, 'extensions.streamMuxers[0]'],
    ['a js-libp2p option it lacks', { crypto: {} }, 'crypto']
  ]
})
