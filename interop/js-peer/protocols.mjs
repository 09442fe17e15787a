// Test protocols served by both the js peer (peer.mjs) and our node's adapter (../test/ours-peer.mjs).
// Both sides must behave the same way; ../README.md describes each one.

/** echoes every byte; closes its write side after the remote's EOF once everything is echoed */
export const ECHO_PROTOCOL = '/echo/1.0.0'
/** reads to EOF (reporting bytes and sha256), then closes its write side */
export const SINK_PROTOCOL = '/sink/1.0.0'
/** resets the stream as soon as the first bytes arrive */
export const RESET_PROTOCOL = '/reset/1.0.0'
/** sends HALF_CLOSE_GREETING_BYTES of payload HALF_CLOSE_GREETING_SEED, closes its write side, then reads to EOF */
export const HALF_CLOSE_PROTOCOL = '/half-close/1.0.0'
export const HALF_CLOSE_GREETING_SEED = 'half-close-greeting'
export const HALF_CLOSE_GREETING_BYTES = 100_000

export const TEST_PROTOCOLS = [ECHO_PROTOCOL, SINK_PROTOCOL, RESET_PROTOCOL, HALF_CLOSE_PROTOCOL]
export const IDENTIFY_PROTOCOL = '/ipfs/id/1.0.0'
export const IDENTIFY_PUSH_PROTOCOL = '/ipfs/id/push/1.0.0'
export const PING_PROTOCOL = '/ipfs/ping/1.0.0'
