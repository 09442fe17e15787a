import transportSuite from '@libp2p/interface-compliance-tests/transport'
import { multiaddr } from '@multiformats/multiaddr'
import { createTlsTransport, createTransport } from './fixtures/util.js'
import type { Transport } from '@libp2p/interface'

/**
 * Suite tests that need a real half-close, which WebSocket cannot express: closeWrite() sends a
 * close frame, and the remote's WebSocket answers it at once, ending the remote's writing too
 * (RFC 6455 section 5.5.1; ws, browsers and go-libp2p all answer at once). "half-closes" checks
 * that the remote can still write after reading EOF; the echo and bulk tests close one direction
 * while the other still carries data, which then races the close frame (over wss the TLS
 * latency usually lets the data win, over ws it loses). connection.node.ts tests what the remote
 * does see, and runs the echo and bulk transfers with both sides closing after they are done.
 */
const NEEDS_HALF_CLOSE = new Set([
  'half-closes each direction independently',
  'carries 16 concurrent connections independently',
  'moves 4 MiB each way at once, intact'
])

function suite (listenAddr: string, create: () => Transport): void {
  beforeEach(function () {
    if (NEEDS_HALF_CLOSE.has(this.currentTest?.title ?? '')) { this.skip() }
  })

  transportSuite({
    async setup () {
      const transport = create()
      return { dialer: transport, listener: transport, listenAddrs: [multiaddr(listenAddr)], unsupportedAddrs: [multiaddr('/ip4/127.0.0.1/tcp/9'), multiaddr('/ip4/127.0.0.1/udp/9/quic-v1')] }
    },
    async teardown () {}
  })
}

describe('WebSockets transport compliance', () => {
  describe('ws over IPv4', () => {
    suite('/ip4/127.0.0.1/tcp/0/ws', () => createTransport())
  })

  describe('ws over IPv6', () => {
    suite('/ip6/::1/tcp/0/ws', () => createTransport())
  })

  describe('wss over IPv4 (listening on /wss, publishing /tls/ws)', () => {
    suite('/ip4/127.0.0.1/tcp/0/wss', () => createTlsTransport())
  })

  describe('wss over IPv6 (/tls/ws)', () => {
    suite('/ip6/::1/tcp/0/tls/ws', () => createTlsTransport())
  })
})
