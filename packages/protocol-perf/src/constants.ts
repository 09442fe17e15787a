/** the protocol id (specs/libp2p/perf) */
export const PERF_PROTOCOL = '/perf/1.0.0'

/** the request header: how many bytes the client wants back, as a big-endian u64 */
export const HEADER_BYTES = 8

/** both sides send from one preallocated, never-written buffer of this size */
export const DEFAULT_WRITE_BLOCK_SIZE_BYTES = 64 * 1024
/** writeBlockSize may not be larger than this (a stream's write buffer takes 4 MiB at most) */
export const MAX_WRITE_BLOCK_SIZE_BYTES = 1024 * 1024

/**
 * The most bytes the server agrees to send on one stream. test-plans asks for
 * Number.MAX_SAFE_INTEGER bytes and cuts the run with a timeout; pass `Infinity` to serve any u64.
 */
export const DEFAULT_MAX_DOWNLOAD_BYTES = Number.MAX_SAFE_INTEGER

/** a perf stream (either side) that moves no byte for this long is aborted with TimeoutError */
export const DEFAULT_IDLE_TIMEOUT_MS = 10_000
/** an inbound perf stream is aborted with TimeoutError once it has lasted this long */
export const DEFAULT_TIMEOUT_MS = 10 * 60_000

/** perf streams a remote may have open on one connection */
export const DEFAULT_MAX_INBOUND_STREAMS = 1
/** perf streams this node opens on one connection */
export const DEFAULT_MAX_OUTBOUND_STREAMS = 1

/** measurePerformance() yields an `intermediary` result this often while bytes move */
export const REPORT_INTERVAL_MS = 1_000

/** a send loop lets timers and I/O run after this many bytes queued without a pause */
export const YIELD_EVERY_BYTES = 1024 * 1024
