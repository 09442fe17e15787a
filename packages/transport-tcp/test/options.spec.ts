import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { tcp } from '../src/index.js'

optionTests('tcp()', tcp, {
  valid: [{
    dialTimeout: 1000,
    inboundSocketInactivityTimeout: 0,
    outboundSocketInactivityTimeout: 60_000,
    socketCloseTimeout: 100,
    listenerCloseTimeout: 0,
    maxConnections: 10,
    closeServerOnMaxConnections: { listenBelow: 5, closeAbove: 10, onListenError: () => {} },
    backlog: 16,
    dialOpts: { noDelay: false, keepAlive: true, keepAliveInitialDelay: 1000 },
    listenOpts: { noDelay: true, keepAlive: false },
    writeHighWaterMark: 65536,
    writeLowWaterMark: 1024,
    maxWriteBufferSize: 1 << 20,
    readHighWaterMark: 1 << 20
  }],
  refused: [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['a wrong type', { dialTimeout: '5s' }, 'dialTimeout'],
    ['a value out of range', { maxConnections: 0 }, 'maxConnections'],
    ['a nested unknown key', { dialOpts: { noDelays: true } }, 'dialOpts.noDelays'],
    ['a nested wrong type', { listenOpts: { keepAlive: 1 } }, 'listenOpts.keepAlive'],
    ['listenBelow above closeAbove', { closeServerOnMaxConnections: { listenBelow: 3, closeAbove: 2 } }, 'closeServerOnMaxConnections'],
    ['a js-libp2p option it lacks', { dialOpts: { allowHalfOpen: false } }, 'dialOpts.allowHalfOpen']
  ]
})
