import transportSuite from '@libp2p/interface-compliance-tests/transport'
import { multiaddr } from '@multiformats/multiaddr'
import { createTransport } from './fixtures/util.js'

describe('TCP transport compliance', () => {
  describe('IPv4', () => {
    transportSuite({
      async setup () {
        const transport = createTransport()
        return { dialer: transport, listener: transport, listenAddrs: [multiaddr('/ip4/127.0.0.1/tcp/0')] }
      },
      async teardown () {}
    })
  })

  describe('IPv6', () => {
    transportSuite({
      async setup () {
        const transport = createTransport()
        return { dialer: transport, listener: transport, listenAddrs: [multiaddr('/ip6/::1/tcp/0')] }
      },
      async teardown () {}
    })
  })
})
