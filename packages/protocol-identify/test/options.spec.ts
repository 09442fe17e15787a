import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { identify, identifyPush } from '../src/index.js'

const common = {
  protocolPrefix: 'test',
  agentVersion: 'me/1.0',
  timeout: 1000,
  maxMessageSize: 4096,
  maxMessages: 2,
  maxInboundStreams: 2,
  maxOutboundStreams: 2,
  runOnLimitedConnection: false
}

const refused: Parameters<typeof optionTests>[2]['refused'] = [
  ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
  ['a wrong type', { timeout: '5s' }, 'timeout'],
  ['a value out of range', { maxMessageSize: 0 }, 'maxMessageSize'],
  ['a protocol prefix with a slash', { protocolPrefix: '/ipfs' }, 'protocolPrefix'],
  ['a js-libp2p option it lacks', { maxObservedAddresses: 10 }, 'maxObservedAddresses']
]

optionTests('identify()', identify, {
  valid: [{ ...common, runOnConnectionOpen: false }],
  refused: [...refused, ['the other service\'s option', { debounce: 10 }, 'debounce']]
})

optionTests('identifyPush()', identifyPush, {
  valid: [{ ...common, runOnSelfUpdate: false, concurrency: 4, debounce: 100 }],
  refused: [...refused, ['the other service\'s option', { runOnConnectionOpen: true }, 'runOnConnectionOpen']]
})
