/**
 * @packageDocumentation
 *
 * Shared test suites. Each implementation runs one in a line, e.g.
 * `import transportSuite from '@libp2p/interface-compliance-tests/transport'`.
 * Subpaths: transport, connection-encrypter, stream-muxer, plaintext (a test-only encrypter), matchers.
 */
export {}
