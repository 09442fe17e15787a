import type { CounterGroup, Metrics } from '@libp2p/interface'

/** what the DHT's gauges are read from, at scrape time */
export interface DHTMetricSources {
  routingTableSize(): number
  records(): Promise<number>
  providerKeys(): Promise<number>
}

/**
 * The DHT's metrics (listed in the package README), under `metricsPrefix` (default
 * `libp2p_kad_dht`, as js-libp2p's; a LAN and a WAN DHT on one node take different prefixes).
 * Sizes are read at scrape time; operations and inbound requests are counted as they start and
 * when they fail, so succeeded = total - errors.
 */
export class DHTMetrics {
  readonly #operations: CounterGroup
  readonly #operationErrors: CounterGroup
  readonly #requests: CounterGroup
  readonly #requestErrors: CounterGroup

  constructor (metrics: Metrics, prefix: string, sources: DHTMetricSources) {
    // js-libp2p's names
    metrics.registerMetric(`${prefix}_routing_table_size`, {
      help: 'Peers in the routing table',
      calculate: () => sources.routingTableSize()
    })
    this.#operations = metrics.registerCounterGroup(`${prefix}_operations_total`, {
      label: 'operation',
      help: 'Operations started by this node: get, put, findPeer, getClosestPeers, provide, findProviders, and the table refresh\'s lookups (refresh)'
    })
    this.#operationErrors = metrics.registerCounterGroup(`${prefix}_operation_errors_total`, {
      label: 'operation',
      help: 'Operations that ended with an error (ended by the caller: not counted)'
    })
    this.#requests = metrics.registerCounterGroup(`${prefix}_inbound_rpc_requests_total`, {
      label: 'operation',
      help: 'Requests answered for other peers, by message type (PUT_VALUE, GET_VALUE, ADD_PROVIDER, GET_PROVIDERS, FIND_NODE, PING)'
    })
    this.#requestErrors = metrics.registerCounterGroup(`${prefix}_inbound_rpc_errors_total`, {
      label: 'operation',
      help: 'Inbound requests whose handling failed, by message type (unknown when the message did not decode)'
    })
    // ours
    metrics.registerMetric(`${prefix}_records_stored`, {
      help: 'Records stored for other peers (PUT_VALUE)',
      calculate: async () => sources.records()
    })
    metrics.registerMetric(`${prefix}_provider_keys_stored`, {
      help: 'Keys with provider records stored (ADD_PROVIDER)',
      calculate: async () => sources.providerKeys()
    })
  }

  /** counts `source` as one `operation`, and as an error if it throws */
  track<T>(operation: string, source: AsyncIterable<T>): AsyncIterable<T> {
    const operations = this.#operations
    const errors = this.#operationErrors
    return (async function * () {
      operations.increment({ [operation]: true })
      try {
        yield * source
      } catch (err) {
        errors.increment({ [operation]: true })
        throw err
      }
    })()
  }

  request (type: string): void {
    this.#requests.increment({ [type]: true })
  }

  requestFailed (type: string): void {
    this.#requestErrors.increment({ [type]: true })
  }
}
