import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { perf } from '../src/index.js'

optionTests('perf()', perf, {
  valid: [{
    protocolName: '/perf/test',
    writeBlockSize: 1024,
    maxDownloadBytes: Infinity,
    idleTimeout: 0,
    timeout: Infinity,
    maxInboundStreams: 2,
    maxOutboundStreams: 2,
    runOnLimitedConnection: true
  }, { maxDownloadBytes: 0, idleTimeout: 500 }],
  refused: [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['a wrong type', { runOnLimitedConnection: 'yes' }, 'runOnLimitedConnection'],
    ['a value out of range', { writeBlockSize: 2 * 1024 * 1024 }, 'writeBlockSize'],
    ['a zero block', { writeBlockSize: 0 }, 'writeBlockSize'],
    ['a negative limit', { maxDownloadBytes: -1 }, 'maxDownloadBytes'],
    ['a NaN timeout', { idleTimeout: NaN }, 'idleTimeout']
  ]
})
