import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { memory } from '../src/index.js'

optionTests('memory()', memory, {
  valid: [{ latencyMs: 0.5, maxConnections: 0, maxInFlightBytes: 1024 }, { latency: 5 }, { latency: 2, latencyMs: 2 }],
  refused: [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['a wrong type', { latencyMs: '5' }, 'latencyMs'],
    ['a value out of range', { latencyMs: -1 }, 'latencyMs'],
    ['a fractional count', { maxConnections: 1.5 }, 'maxConnections'],
    ['NaN', { maxInFlightBytes: Number.NaN }, 'maxInFlightBytes'],
    ['latency out of range', { latency: -1 }, 'latency'],
    ['latency and latencyMs that disagree', { latency: 5, latencyMs: 6 }, 'latency']
  ]
})
