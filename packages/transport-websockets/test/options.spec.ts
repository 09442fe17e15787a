import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { webSockets } from '../src/index.js'

optionTests('webSockets()', webSockets, {
  valid: [{
    handshakeTimeout: 0,
    maxMessageSize: 1024,
    maxConnections: 8,
    listenerCloseTimeout: 100,
    socketCloseTimeout: 100,
    http: { maxHeaderSize: 8192 },
    https: { cert: 'x', key: 'y' },
    tlsClientOptions: { rejectUnauthorized: false },
    maxBufferedAmount: 1,
    bufferedAmountPollInterval: 1,
    writeHighWaterMark: 65536,
    writeLowWaterMark: 1024,
    maxWriteBufferSize: 1 << 20,
    readHighWaterMark: 1 << 20
  }, {
    maxBufferedAmount: 4 * 1024 * 1024, bufferedAmountPollInterval: 10, httpServer: { listen () {} }, httpsServer: { listen () {} }
  }],
  refused: [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['a wrong type', { maxBufferedAmount: '1024' }, 'maxBufferedAmount'],
    ['a value out of range', { maxBufferedAmount: 0 }, 'maxBufferedAmount'],
    ['a negative size', { maxBufferedAmount: -1 }, 'maxBufferedAmount'],
    ['a fraction', { maxBufferedAmount: 1.5 }, 'maxBufferedAmount'],
    ['NaN', { maxBufferedAmount: Number.NaN }, 'maxBufferedAmount'],
    ['Infinity', { maxBufferedAmount: Infinity }, 'maxBufferedAmount'],
    ['a zero poll interval', { bufferedAmountPollInterval: 0 }, 'bufferedAmountPollInterval'],
    ['a fractional poll interval', { bufferedAmountPollInterval: 2.5 }, 'bufferedAmountPollInterval'],
    ['a string server option', { http: 'yes' }, 'http'],
    ['a js-libp2p option it lacks', { signal: AbortSignal.abort() }, 'signal']
  ]
})
