/**
 * @packageDocumentation
 *
 * multistream-select, the protocol negotiation libp2p runs on every new connection (to choose
 * the encrypter, then the muxer) and on every new stream (to choose the application protocol).
 * Spec: https://github.com/multiformats/multistream-select
 *
 * ```ts
 * import { select, handle } from '@libp2p/multistream-select'
 *
 * // dialer: propose protocols in order of preference
 * const stream = await select(rawStream, ['/my-proto/2.0.0', '/my-proto/1.0.0'], { signal })
 * stream.protocol // the one the remote accepted
 *
 * // one protocol: optimistic, returns at once and the first write needs no round trip
 * const echo = await select(rawStream, '/echo/1.0.0')
 * echo.send(data)
 *
 * // listener
 * const inbound = await handle(rawStream, ['/my-proto/1.0.0', '/echo/1.0.0'], { signal })
 * ```
 */
export { select } from './select.js'
export type { SelectOptions, Negotiated } from './select.js'
export { handle } from './handle.js'
export type { HandleOptions } from './handle.js'
export { PROTOCOL_ID, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_ATTEMPTS } from './constants.js'
