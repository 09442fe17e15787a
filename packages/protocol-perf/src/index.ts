/**
 * @packageDocumentation
 *
 * The perf protocol (specs/libp2p/perf, `/perf/1.0.0`): the client asks for N bytes with a
 * big-endian u64, uploads M bytes and closes its write side; the server reads the upload to
 * EOF, then sends the N bytes and closes.
 *
 * ```ts
 * import { perf } from '@libp2p/perf'
 *
 * const node = await createLibp2p({ ..., services: { perf: perf() } })
 *
 * for await (const output of node.services.perf.measurePerformance(multiaddr, 10 << 20, 10 << 20)) {
 *   console.log(output) // { type: 'connection' | 'intermediary' | 'final', timeSeconds, uploadBytes, downloadBytes }
 * }
 * const final = await node.services.perf.measure(multiaddr, 0, 1 << 30)
 * ```
 *
 * The protocol lets any client make the server do a lot of work: add the service only to nodes
 * meant to be measured (the spec asks that it not be on by default).
 *
 * The test-plans compatible perf command is `libp2p perf` in @libp2p/cli, so that this package
 * needs no transport, encrypter or muxer.
 */
import { validateInit } from '@libp2p/utils'
import { PERF_INIT_SCHEMA } from './init-schema.js'
import { Perf as PerfService } from './perf.js'
import type { Perf, PerfComponents, PerfInit } from './types.js'

export {
  PERF_PROTOCOL, DEFAULT_WRITE_BLOCK_SIZE_BYTES, MAX_WRITE_BLOCK_SIZE_BYTES, DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_OUTBOUND_STREAMS, REPORT_INTERVAL_MS
} from './constants.js'
export type { Perf, PerfComponents, PerfInit, PerfOptions, PerfOutput } from './types.js'

/** the `/perf/1.0.0` service */
export function perf (init: PerfInit = {}): (components: PerfComponents) => Perf {
  validateInit('perf()', init, PERF_INIT_SCHEMA)
  return (components) => new PerfService(components, init)
}
