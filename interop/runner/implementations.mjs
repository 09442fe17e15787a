// The transport-interop matrix, declared: which implementations take part, what each supports, and
// how to get a command that runs it. The runner (run.mjs) derives every case from this table:
// dialer A × listener B for each transport both list (B not dial-only), and, unless the transport
// is standalone, each security and muxer both list. Adding a transport or an implementation is an
// edit here (plus known-failures.json if needed), never in the runner.
//
// Implementation fields:
//   id          name used in case names (`A x B (tcp, noise, yamux)`) and results
//   transports  names from TRANSPORTS; `{ name, dialOnly: true }` for transports it only dials
//   security    e.g. ['noise'] (add 'tls' to two peers that support it to get tls cases)
//   muxers      e.g. ['yamux']
//   order       cases run in increasing order of their implementations' `order` (fast ones first,
//               so they run while slow peers still build)
//   run         how to get the command; one of the kinds in prepare.mjs:
//     { kind: 'node', script }                   the machine's Node (process.execPath)
//     { kind: 'node24', script, setup: 'js-peer' } Node 24 from tools/node24, js-peer's node_modules
//     { kind: 'build-script', script, args, toolchain: [commands], binEnv, buildTimeoutSeconds }
//         runs `bash <script> [args...]` in its folder; the last stdout line naming an executable file is the
//         peer binary. Skipped, not failed, when the script does not exist, when a toolchain
//         command is not on PATH and the script finds none either (it exits 0 printing "… not
//         present" or fails), or when the build takes longer than buildTimeoutSeconds (the
//         compiler's cache keeps the work for the next run). A build that fails with the toolchain
//         present fails the implementation's cases. `binEnv` names an environment variable that,
//         when set, gives the binary and skips the build.
//   env         extra environment for this implementation's processes (optional)
//
// Paths are relative to the repository root.

/** Transport names of the test-plans contract; standalone ones carry no security/muxer */
export const TRANSPORTS = {
  tcp: { standalone: false },
  ws: { standalone: false },
  wss: { standalone: false },
  'quic-v1': { standalone: true },
  webtransport: { standalone: true },
  'webrtc-direct': { standalone: true },
  webrtc: { standalone: true }
}

export const IMPLEMENTATIONS = [
  {
    id: 'ours',
    transports: ['tcp', 'ws', 'wss', 'webrtc-direct', 'webrtc'],
    security: ['noise'],
    muxers: ['yamux'],
    order: 0,
    run: { kind: 'node', script: 'interop/ours-ping/ping.mjs' }
  },
  {
    id: 'js-v3.3',
    transports: ['tcp', 'ws', { name: 'wss', dialOnly: true }, 'webrtc-direct', 'webrtc'],
    security: ['noise'],
    muxers: ['yamux'],
    order: 1,
    run: { kind: 'node24', script: 'interop/js-peer/ping.mjs', setup: 'js-peer' }
  },
  {
    id: 'go-v0.48',
    transports: ['tcp', 'ws', 'wss', 'quic-v1', 'webtransport', 'webrtc-direct'],
    security: ['noise', 'tls'],
    muxers: ['yamux'],
    order: 2,
    run: { kind: 'build-script', script: 'interop/go-peer/build.sh', toolchain: ['go'], binEnv: 'INTEROP_GO_PEER_BIN', buildTimeoutSeconds: 600 }
  },
  {
    id: 'rust-v0.56',
    // webrtc-direct: libp2p-webrtc 0.9.0-alpha.1 (interop/rust-peer)
    transports: ['tcp', 'ws', 'quic-v1', 'webrtc-direct'],
    security: ['noise', 'tls'],
    muxers: ['yamux', 'mplex'],
    order: 3,
    run: { kind: 'build-script', script: 'interop/rust-peer/build.sh', toolchain: ['cargo'], binEnv: 'INTEROP_RUST_PEER_BIN', buildTimeoutSeconds: 1200 }
  },
  {
    // our browser node (interop/browser-ping/entry.mjs) in headless Chromium, driven by a Node
    // wrapper that serves the page and a Redis proxy; build.sh bundles it, and prints "Chromium not
    // present" (a skip) without /usr/bin/chromium or playwright-core. It listens only for webrtc,
    // through a relay the wrapper starts (ours-ping/ping.mjs --relay), as test-plans' browsers do
    id: 'chromium-ours',
    transports: [{ name: 'ws', dialOnly: true }, { name: 'wss', dialOnly: true }, { name: 'webrtc-direct', dialOnly: true }, 'webrtc'],
    security: ['noise'],
    muxers: ['yamux'],
    order: 1,
    run: { kind: 'build-script', script: 'interop/browser-ping/build.sh', args: ['ours'], buildTimeoutSeconds: 120 }
  },
  {
    // the same page and entry bundled against js-libp2p 3.3.11 and its modules from npm
    // (interop/js-peer/node_modules): js-libp2p as a browser application ships it; its webrtc
    // listener's relay is js-libp2p's (js-peer/ping.mjs --relay on Node 24)
    id: 'chromium-js-v3.3',
    transports: [{ name: 'ws', dialOnly: true }, { name: 'wss', dialOnly: true }, { name: 'webrtc-direct', dialOnly: true }, 'webrtc'],
    security: ['noise'],
    muxers: ['yamux'],
    order: 1,
    run: { kind: 'build-script', script: 'interop/browser-ping/build.sh', args: ['js'], buildTimeoutSeconds: 120 }
  }
]
