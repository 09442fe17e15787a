/**
 * @packageDocumentation
 *
 * Shared test suites: every transport, connection encrypter and stream muxer of the stack runs
 * the suite of its kind, one line in its own tests. Each lives at a subpath, so a package
 * imports only what it tests (the root exports nothing):
 *
 * | subpath | default export / exports | what |
 * | --- | --- | --- |
 * | `@libp2p/interface-compliance-tests/transport` | `transportSuite({ setup, teardown })`; `RecordingUpgrader`, `RawConnection`, `rawConnection()`, `NotUpgradedError` | listen, filters, raw byte streams both ways, many connections, bulk transfer, back-pressure, half-close, abort, dial failures and aborts, listener close |
 * | `@libp2p/interface-compliance-tests/connection-encrypter` | `connectionEncrypterSuite({ setup, teardown?, keyTypes? })` | handshake both ways and across key types, data after it (1 MiB chunks), UnexpectedPeerError, typed errors on garbage, signals |
 * | `@libp2p/interface-compliance-tests/stream-muxer` | the stream-muxer suite | streams over a muxed in-memory pair |
 * | `@libp2p/interface-compliance-tests/plaintext` | `plaintext(init?)(components)` | `/plaintext/2.0.0`, a ConnectionEncrypter for tests only |
 * | `@libp2p/interface-compliance-tests/matchers` | `matchPeerId(id)`, `matchMultiaddr(ma)` | value predicates for `expect(x).to.satisfy(...)` |
 * | `@libp2p/interface-compliance-tests/wait` | `until(condition, what, { timeout, interval })` | wait, bounded, for state that changes without an event |
 *
 * The suites register mocha `describe`/`it` blocks and assert with `aegir/chai`; they run in
 * Node and in browsers.
 */
export {}
