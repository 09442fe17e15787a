import transportSuite from '@libp2p/interface-compliance-tests/transport'
import { multiaddr } from '@multiformats/multiaddr'
import { memory } from '../src/index.js'

let run = 0

describe('memory transport compliance', () => {
  transportSuite({
    async setup () {
      const transport = memory()({})
      return {
        dialer: transport,
        listener: transport,
        listenAddrs: [multiaddr(`/memory/compliance-${++run}`), multiaddr(`/memory/compliance-${run}-b`)],
        unsupportedAddrs: [multiaddr('/ip4/127.0.0.1/tcp/4001'), multiaddr('/ip4/127.0.0.1/udp/9/quic-v1')]
      }
    },
    async teardown () {}
  })
})

describe('memory transport compliance, with latency', () => {
  transportSuite({
    async setup () {
      return {
        dialer: memory({ latencyMs: 2 })({}),
        listener: memory({ latencyMs: 1 })({}),
        listenAddrs: [multiaddr(`/memory/latency-${++run}`)]
      }
    },
    async teardown () {}
  })
})
