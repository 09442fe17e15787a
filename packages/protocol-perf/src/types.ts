/**
 * The types of the perf service: what it takes from the node (PerfComponents), its configuration
 * (PerfInit), the options (PerfOptions) and results (PerfOutput) of one measurement, and the
 * service itself. Re-exported by index.ts.
 */
import type { AbortOptions, ComponentLogger, ConnectionManager, Multiaddr, PeerId, Registrar } from '@libp2p/interface'

/** What perf takes from the node (a subset of libp2p's Components) */
export interface PerfComponents {
  registrar: Registrar
  connectionManager: Pick<ConnectionManager, 'openConnection'>
  logger: ComponentLogger
}

/** js-libp2p's PerfInit, plus maxDownloadBytes, idleTimeout and timeout; times in milliseconds, sizes in bytes */
export interface PerfInit {
  /** the protocol id (default `/perf/1.0.0`) */
  protocolName?: string
  /** bytes per send, from one preallocated buffer (default 65536, at most 1048576) */
  writeBlockSize?: number
  /**
   * the server refuses (aborts the stream with LimitExceededError) a request for more bytes than
   * this (default Number.MAX_SAFE_INTEGER; Infinity serves any u64)
   */
  maxDownloadBytes?: number
  /** a perf stream, either side, that moves no byte for this long is aborted with TimeoutError (default 10000 ms; 0 turns it off) */
  idleTimeout?: number
  /** an inbound perf stream is aborted with TimeoutError after this long (default 600000 ms; 0 turns it off) */
  timeout?: number
  /** perf streams a remote may have open on one connection (default 1) */
  maxInboundStreams?: number
  /** perf streams this node opens on one connection (default 1) */
  maxOutboundStreams?: number
  /** serve and measure over limited (relayed) connections too (default false) */
  runOnLimitedConnection?: boolean
}

/** options of one measurement; times in milliseconds */
export interface PerfOptions extends AbortOptions {
  /**
   * use an open connection to the peer if there is one; by default a new connection is dialled
   * (and closed at the end) so the final time includes connection setup
   */
  reuseExistingConnection?: boolean
  /** abort the stream with TimeoutError when no byte moves for this many ms (default: the service's idleTimeout) */
  idleTimeout?: number
  /** how often an `intermediary` result is yielded (default 1000 ms, as test-plans expects) */
  reportInterval?: number
}

export interface PerfOutput {
  /**
   * `connection`: once, when the connection is ready (time since the start);
   * `intermediary`: once a second (reportInterval) until the transfer ends, with the time and the bytes of that interval only;
   * `final`: once, with the total time (connection setup included) and all bytes
   */
  type: 'connection' | 'intermediary' | 'final'
  timeSeconds: number
  uploadBytes: number
  downloadBytes: number
}

export interface Perf {
  readonly protocol: string
  /**
   * Upload `sendBytes`, then download `recvBytes`, over a new stream (on a new connection unless
   * `reuseExistingConnection`). Yields `connection`, then `intermediary` results once a second,
   * then `final`. Throws the dial's or stream's error, StreamResetError when the server refuses,
   * ProtocolError when it sends more or fewer bytes than asked for, TimeoutError after
   * `idleTimeout` without progress, or the signal's reason. Leaving the loop early aborts the stream.
   */
  measurePerformance(target: PeerId | Multiaddr | Multiaddr[], sendBytes: number, recvBytes: number, options?: PerfOptions): AsyncGenerator<PerfOutput, void, undefined>
  /** measurePerformance() run to the end: its `final` result */
  measure(target: PeerId | Multiaddr | Multiaddr[], sendBytes: number, recvBytes: number, options?: PerfOptions): Promise<PerfOutput>
}
