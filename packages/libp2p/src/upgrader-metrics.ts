import type { CounterGroup, Direction, Metrics, MultiaddrConnection } from '@libp2p/interface'

/**
 * The upgrader's counters, under js-libp2p's names: upgrades started and failed by direction, and
 * failures by error name (the reason). Also where each raw connection is handed to the metrics
 * for byte counting ('global' in libp2p_data_transfer_bytes_total).
 */
export class UpgraderMetrics {
  readonly #metrics: Metrics
  readonly #dials: CounterGroup
  readonly #errors: CounterGroup
  readonly #inboundErrors: CounterGroup
  readonly #outboundErrors: CounterGroup

  constructor (metrics: Metrics) {
    this.#metrics = metrics
    this.#dials = metrics.registerCounterGroup('libp2p_connection_manager_dials_total', { help: 'Connections that began an upgrade, by direction' })
    this.#errors = metrics.registerCounterGroup('libp2p_connection_manager_dial_errors_total', { help: 'Upgrades that failed, by direction' })
    this.#inboundErrors = metrics.registerCounterGroup('libp2p_connection_manager_dials_inbound_errors_total', { help: 'Inbound upgrades that failed, by error name' })
    this.#outboundErrors = metrics.registerCounterGroup('libp2p_connection_manager_dials_outbound_errors_total', { help: 'Outbound upgrades that failed, by error name' })
  }

  started (maConn: MultiaddrConnection, direction: Direction): void {
    this.#metrics.trackMultiaddrConnection(maConn)
    this.#dials.increment({ [direction]: true })
  }

  /** refused before the upgrade began (connection manager or gater): a dial that failed */
  refused (direction: Direction, err: Error): void {
    this.#dials.increment({ [direction]: true })
    this.failed(direction, err)
  }

  failed (direction: Direction, err: Error): void {
    this.#errors.increment({ [direction]: true })
    const byName = direction === 'inbound' ? this.#inboundErrors : this.#outboundErrors
    byName.increment({ [err.name ?? 'Error']: true })
  }
}
