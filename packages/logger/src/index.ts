/**
 * @packageDocumentation
 *
 * debug-compatible loggers for libp2p components. Select output with `DEBUG=libp2p:*` in Node
 * or `localStorage.debug = 'libp2p:*'` in a browser (exclude trace output with
 * `libp2p:*,-*:trace`), or at run time with `enable()`. Node writes through the `debug` package;
 * browsers through a small stand-in with the same selection syntax that logs to `console.debug`.
 *
 * ```ts
 * import { defaultLogger } from '@libp2p/logger'
 *
 * const log = defaultLogger().forComponent('libp2p:tcp')
 * log('dialing %a as %p', ma, peerId)
 * log.error('dial failed %e', err)
 *
 * if (log.enabled) {
 *   log.trace('frame %b', bytes)
 * }
 * ```
 *
 * Format letters: `%b` base58btc bytes, `%t` base32 bytes, `%m` base64 bytes, `%p` peer id,
 * `%c` CID, `%k` datastore key, `%a` multiaddr, `%e` error with stack, plus debug's own
 * `%s %d %i %f %j %o %O %%`.
 */
export { logger, defaultLogger, prefixLogger, peerLogger, enable, disable, enabled } from './logger.js'
export type { PeerLoggerOptions } from './logger.js'
export { MAX_CACHED_LOGGERS } from './constants.js'
export type { ComponentLogger, Logger } from '@libp2p/interface'
