import type { CounterGroup, Metrics } from '@libp2p/interface'

/** what the relay's gauges are read from, at scrape time */
export interface RelayServerMetricSources {
  reservations(): number
  circuits(): number
}

/**
 * The relay server's metrics (listed in the package README). Reservations and circuits are read at
 * scrape time; relayed bytes are added to a plain number per chunk and reported as a counter at
 * scrape time, so the circuit's data path pays one addition per chunk and no metric call.
 */
export class RelayServerMetrics {
  /** bytes relayed in both directions since the node started */
  readonly relayed = { bytes: 0 }
  readonly #reservationRequests: CounterGroup
  readonly #connectRequests: CounterGroup

  constructor (metrics: Metrics, sources: RelayServerMetricSources) {
    // js-libp2p's name for the reservations held (a gauge despite the _total suffix)
    metrics.registerMetric('libp2p_circuit_relay_server_reservations_total', {
      help: 'Reservations held',
      calculate: () => sources.reservations()
    })
    metrics.registerMetric('libp2p_circuit_relay_server_circuits', {
      help: 'Circuits open (spliced, or waiting for the target\'s STOP answer)',
      calculate: () => sources.circuits()
    })
    let reported = 0
    const relayed = this.relayed
    metrics.registerCounter('libp2p_circuit_relay_server_relayed_bytes_total', {
      help: 'Bytes relayed through circuits, both directions',
      // a calculated counter adds what it returns: the bytes since the last scrape
      calculate: () => {
        const delta = relayed.bytes - reported
        reported = relayed.bytes
        return delta
      }
    })
    this.#reservationRequests = metrics.registerCounterGroup('libp2p_circuit_relay_server_reservation_requests_total', {
      label: 'result',
      help: 'RESERVE requests by result: ok, denied (connection gater), maxReservations, maxReservationsPerIp, error'
    })
    this.#connectRequests = metrics.registerCounterGroup('libp2p_circuit_relay_server_connect_requests_total', {
      label: 'result',
      help: 'CONNECT requests by the status answered (OK, NO_RESERVATION, RESOURCE_LIMIT_EXCEEDED, ...)'
    })
  }

  reservationRequest (result: string): void {
    this.#reservationRequests.increment({ [result]: true })
  }

  connectRequest (status: string): void {
    this.#connectRequests.increment({ [status]: true })
  }
}
