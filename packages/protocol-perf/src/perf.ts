import { AbortError, InvalidParametersError, ProtocolError } from '@libp2p/interface'
import { anySignal, ProtocolService } from '@libp2p/utils'
import { BackgroundTask } from './background-task.js'
import {
  DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_DOWNLOAD_BYTES, DEFAULT_MAX_INBOUND_STREAMS, DEFAULT_MAX_OUTBOUND_STREAMS,
  DEFAULT_TIMEOUT_MS, DEFAULT_WRITE_BLOCK_SIZE_BYTES, PERF_PROTOCOL, REPORT_INTERVAL_MS
} from './constants.js'
import { servePerfStream } from './server.js'
import { encodeHeader, readToEnd, writeBytes } from './transfer.js'
import { Watchdog } from './watchdog.js'
import type { TransferCounters } from './transfer.js'
import type { PerfComponents, PerfInit, Perf as PerfInterface, PerfOptions, PerfOutput } from './types.js'
import type { Connection, Logger, Multiaddr, PeerId, Startable, Stream } from '@libp2p/interface'

function checkCount (name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidParametersError(`${name} must be an integer from 0 to Number.MAX_SAFE_INTEGER, got ${value}`)
  }
}

/** the client side of one stream: header, upload, EOF, then count the download to EOF */
async function runClient (stream: Stream, chunk: Uint8Array, sendBytes: number, recvBytes: number, counters: TransferCounters): Promise<void> {
  if (!stream.send(encodeHeader(recvBytes))) { await stream.onDrain() }
  await writeBytes(stream, chunk, sendBytes, counters, 'uploadBytes')
  await stream.closeWrite()
  await readToEnd(stream, counters, 'downloadBytes', recvBytes)
  if (counters.downloadBytes !== recvBytes) {
    throw new ProtocolError(`the server closed the stream after ${counters.downloadBytes} of the ${recvBytes} bytes asked for`)
  }
  await stream.close()
}

/**
 * `/perf/1.0.0` (specs/libp2p/perf): serves inbound perf streams and measures throughput to
 * other peers.
 */
export class Perf implements PerfInterface, Startable {
  readonly protocol: string
  readonly #components: PerfComponents
  readonly #log: Logger
  /** all zeros and never written to: every send on every stream passes this same memory */
  readonly #chunk: Uint8Array
  readonly #maxDownloadBytes: number
  readonly #idleTimeout: number
  readonly #timeout: number
  readonly #service: ProtocolService

  constructor (components: PerfComponents, init: PerfInit = {}) {
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:perf')
    this.protocol = init.protocolName ?? PERF_PROTOCOL
    // the values were checked by perf() (init-schema.ts)
    this.#chunk = new Uint8Array(init.writeBlockSize ?? DEFAULT_WRITE_BLOCK_SIZE_BYTES)
    this.#maxDownloadBytes = init.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES
    this.#idleTimeout = init.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS
    this.#timeout = init.timeout ?? DEFAULT_TIMEOUT_MS
    this.#service = new ProtocolService({
      name: 'perf',
      protocol: this.protocol,
      registrar: components.registrar,
      handler: async (stream, connection) => { await this.#serve(stream, connection) },
      maxInboundStreams: init.maxInboundStreams ?? DEFAULT_MAX_INBOUND_STREAMS,
      maxOutboundStreams: init.maxOutboundStreams ?? DEFAULT_MAX_OUTBOUND_STREAMS,
      runOnLimitedConnection: init.runOnLimitedConnection ?? false
    })
  }

  readonly [Symbol.toStringTag] = '@libp2p/perf'

  async start (): Promise<void> {
    await this.#service.start()
  }

  async stop (): Promise<void> {
    await this.#service.stop()
  }

  async * measurePerformance (target: PeerId | Multiaddr | Multiaddr[], sendBytes: number, recvBytes: number, options: PerfOptions = {}): AsyncGenerator<PerfOutput, void, undefined> {
    const shutdown = this.#service.startedSignal()
    checkCount('sendBytes', sendBytes)
    checkCount('recvBytes', recvBytes)
    const reuse = options.reuseExistingConnection === true
    const intervalMs = options.reportInterval ?? REPORT_INTERVAL_MS
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
      throw new InvalidParametersError(`reportInterval must be a positive number of ms, got ${intervalMs}`)
    }
    const { signal, done } = anySignal(options.signal, shutdown)
    const counters: TransferCounters = { uploadBytes: 0, downloadBytes: 0 }
    const start = performance.now()
    let connection: Connection | undefined
    let stream: Stream | undefined
    let watchdog: Watchdog | undefined
    let transfer: BackgroundTask | undefined
    try {
      connection = await this.#components.connectionManager.openConnection(target, { signal, force: !reuse })
      yield { type: 'connection', timeSeconds: (performance.now() - start) / 1000, uploadBytes: 0, downloadBytes: 0 }
      stream = await connection.newStream(this.protocol, {
        signal,
        maxOutboundStreams: this.#service.maxOutboundStreams,
        runOnLimitedConnection: this.#service.runOnLimitedConnection
      })
      const open = stream
      if (signal.aborted) { throw signal.reason }
      signal.addEventListener('abort', () => { open.abort(signal.reason) }, { once: true })
      watchdog = new Watchdog({
        idleTimeout: options.idleTimeout ?? this.#idleTimeout,
        what: `perf stream to ${connection.remotePeer}`,
        progress: () => counters.uploadBytes + counters.downloadBytes,
        expire: (err) => { open.abort(err) }
      })

      // the transfer runs on its own; this generator only samples it once per interval, so a
      // slow consumer of the reports never slows the transfer down
      transfer = new BackgroundTask(runClient(open, this.#chunk, sendBytes, recvBytes, counters))
      let lastAt = performance.now()
      let lastUp = 0
      let lastDown = 0
      while (true) {
        await transfer.sleep(intervalMs)
        if (transfer.settled) { break }
        const now = performance.now()
        const report: PerfOutput = {
          type: 'intermediary',
          timeSeconds: (now - lastAt) / 1000,
          uploadBytes: counters.uploadBytes - lastUp,
          downloadBytes: counters.downloadBytes - lastDown
        }
        lastAt = now
        lastUp = counters.uploadBytes
        lastDown = counters.downloadBytes
        yield report
      }
      if (transfer.failed) { throw transfer.error }
      const end = performance.now()
      watchdog.stop()
      yield { type: 'final', timeSeconds: (end - start) / 1000, uploadBytes: counters.uploadBytes, downloadBytes: counters.downloadBytes }
    } catch (err: any) {
      const error = signal.aborted ? signal.reason : err
      stream?.abort(error)
      throw error
    } finally {
      watchdog?.stop()
      done()
      if (transfer != null && !transfer.settled) {
        // the consumer left the loop early
        stream?.abort(new AbortError('measurePerformance was ended before the transfer finished'))
        await transfer.done
      }
      if (connection != null && !reuse) {
        await connection.close().catch((err: Error) => { connection?.abort(err) })
      }
    }
  }

  async measure (target: PeerId | Multiaddr | Multiaddr[], sendBytes: number, recvBytes: number, options: PerfOptions = {}): Promise<PerfOutput> {
    let final: PerfOutput | undefined
    for await (const output of this.measurePerformance(target, sendBytes, recvBytes, options)) {
      if (output.type === 'final') { final = output }
    }
    if (final == null) { throw new ProtocolError('the measurement ended without a final result') }
    return final
  }

  async #serve (stream: Stream, connection: Connection): Promise<void> {
    const what = `perf stream from ${connection.remotePeer}`
    try {
      const moved = await servePerfStream(stream, {
        chunk: this.#chunk,
        maxDownloadBytes: this.#maxDownloadBytes,
        idleTimeout: this.#idleTimeout,
        timeout: this.#timeout,
        signal: this.#service.signal,
        what
      })
      this.#log('%s: received %d bytes, sent %d', what, moved.uploadBytes, moved.downloadBytes)
    } catch (err: any) {
      this.#log('%s failed - %e', what, err)
    }
  }
}
