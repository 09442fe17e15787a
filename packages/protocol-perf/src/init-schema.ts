import { option } from '@libp2p/utils'
import { MAX_WRITE_BLOCK_SIZE_BYTES } from './constants.js'
import type { InitSchema } from '@libp2p/utils'

/** 0 (off), a positive number of ms, or Infinity */
const timeout = option.custom((value) => typeof value === 'number' && value >= 0 ? undefined : `must be 0 (off), a positive number of ms or Infinity, got ${String(value)}`)

/** what `perf(init)` accepts (PerfInit) */
export const PERF_INIT_SCHEMA: InitSchema = {
  protocolName: option.string(undefined, /^\/\S+$/),
  writeBlockSize: option.integer(1, MAX_WRITE_BLOCK_SIZE_BYTES),
  maxDownloadBytes: option.anyOf(option.custom((value) => value === Infinity ? undefined : 'is not Infinity'), option.integer(0)),
  idleTimeout: timeout,
  timeout,
  maxInboundStreams: option.integer(1),
  maxOutboundStreams: option.integer(1),
  runOnLimitedConnection: option.boolean()
}
