// The protocol table, declared: which implementations take part, the program each runs for a case
// type, and the case types. `run.mjs --table protocols` derives every case from this file: for a
// case type with roles [a, b, c], every assignment of implementations to the roles that includes
// ours in at least one role. A new case type is an entry in CASE_TYPES plus one program per
// implementation (an entry in its `programs`); an implementation without a program for a type
// takes no part in that type's cases.
//
// Implementation fields:
//   id        as in ../implementations.mjs (case names, results)
//   programs  case type -> how to get its command, the `run` kinds of ../prepare.mjs, plus
//             `env` (for its processes) and `driver` (a Node script run instead of the built
//             binary, which it gets in $peer_bin: for peers that speak a command protocol)
//   relay     { reservationTtlSeconds }: the shortest reservation TTL its relay client refreshes
//             in time, used as the relay's TTL when it is the listener
//   version / features  what docs/INTEROP.md says is under test
//
// Case type fields:
//   roles          started together; they meet through Redis (see each program's header)
//   reporter       the role whose exit ends the case and whose stdout holds the result line
//   resultKeys     the result line is the first `{…}` on the reporter's stdout with all of these
//   timeoutSeconds the case's own time limit (test_timeout_seconds)
//   env(impls)     extra environment for every process of a case ({ role: impl })

const DHT_DRIVER = 'interop/runner/protocols/dht-driver.mjs'

/** the contract's data limit for relayed connections (each direction; rust counts both) */
const RELAY_DATA_LIMIT_BYTES = 65_536

export const PROTOCOL_IMPLEMENTATIONS = [
  {
    id: 'ours',
    version: 'this repository',
    programs: {
      relay: { kind: 'node', script: 'interop/runner/protocols/ours/relay.mjs' },
      dht: { kind: 'node', script: DHT_DRIVER, env: { dht_impl: 'ours' } },
      'identify-push': { kind: 'node', script: 'interop/runner/protocols/ours/identify-push.mjs' }
    },
    relay: { reservationTtlSeconds: 6 }
  },
  {
    id: 'js-v3.3',
    version: 'js-libp2p 3.3.11, @libp2p/circuit-relay-v2 4.2.13, @libp2p/kad-dht 16.4.5',
    programs: {
      relay: { kind: 'node24', script: 'interop/js-peer/relay-case.mjs', setup: 'js-peer' },
      // the driver starts js-peer/dht-peer.mjs on Node 24
      dht: { kind: 'node', script: DHT_DRIVER, env: { dht_impl: 'js' } },
      'identify-push': { kind: 'node24', script: 'interop/js-peer/identify-push-case.mjs', setup: 'js-peer' }
    },
    // its client refreshes a reservation no sooner than 30 s after it was made (REFRESH_TIMEOUT_MIN
    // in @libp2p/circuit-relay-v2's reservation store), so a shorter TTL lets it lapse
    relay: { reservationTtlSeconds: 40 }
  },
  {
    id: 'go-v0.48',
    // the DHT program is interop/go-peer/dht, a module of its own: go-libp2p-kad-dht v0.42.2 on
    // go-libp2p v0.49.0
    version: 'go-libp2p v0.48.0 (circuitv2 relay and client); go-libp2p-kad-dht v0.42.2 on go-libp2p v0.49.0',
    programs: {
      relay: { kind: 'build-script', script: 'interop/go-peer/build.sh', args: ['relay'], toolchain: ['go'], buildTimeoutSeconds: 600 },
      dht: { kind: 'build-script', script: 'interop/go-peer/build.sh', args: ['dht'], toolchain: ['go'], buildTimeoutSeconds: 600, driver: DHT_DRIVER, env: { dht_impl: 'go' } },
      'identify-push': { kind: 'build-script', script: 'interop/go-peer/build.sh', args: ['identify-push'], toolchain: ['go'], buildTimeoutSeconds: 600 }
    },
    relay: { reservationTtlSeconds: 6 }
  },
  {
    id: 'rust-v0.56',
    version: 'rust-libp2p 0.56 (libp2p-relay 0.21.1: relay::Behaviour, relay::client; libp2p-kad 0.48)',
    programs: {
      relay: { kind: 'build-script', script: 'interop/rust-peer/build.sh', args: ['rust-relay'], toolchain: ['cargo'], buildTimeoutSeconds: 1200 },
      dht: { kind: 'build-script', script: 'interop/rust-peer/build.sh', args: ['rust-dht'], toolchain: ['cargo'], buildTimeoutSeconds: 1200, driver: DHT_DRIVER, env: { dht_impl: 'rust' } },
      'identify-push': { kind: 'build-script', script: 'interop/rust-peer/build.sh', args: ['rust-identify-push'], toolchain: ['cargo'], buildTimeoutSeconds: 1200 }
    },
    // its client renews at 3/4 of the time left
    relay: { reservationTtlSeconds: 6 }
  }
]

export const CASE_TYPES = {
  relay: {
    roles: ['relay', 'listener', 'dialer'],
    reporter: 'dialer',
    resultKeys: ['connectMillis', 'limitCutAfterBytes'],
    timeoutSeconds: 120,
    env: ({ listener }) => ({
      relay_reservation_ttl_seconds: String(listener.relay?.reservationTtlSeconds ?? 6),
      relay_data_limit_bytes: String(RELAY_DATA_LIMIT_BYTES)
    }),
    /** one table cell's text for a passing case */
    cell: (r) => `pass ${Math.round(r.connectMillis)} ms, cut at ${r.limitCutAfterBytes} B`
  },
  dht: {
    roles: ['bootstrap', 'provider', 'querier'],
    reporter: 'querier',
    resultKeys: ['getMillis', 'findProvidersMillis'],
    timeoutSeconds: 90,
    env: () => ({}),
    cell: (r) => `pass get ${Math.round(r.getMillis)} ms, providers ${Math.round(r.findProvidersMillis)} ms`
  },
  'identify-push': {
    roles: ['listener', 'dialer'],
    reporter: 'dialer',
    resultKeys: ['pushMillis', 'sameConnection'],
    timeoutSeconds: 60,
    env: () => ({}),
    cell: (r) => `pass ${Math.round(r.pushMillis)} ms`
  }
}
