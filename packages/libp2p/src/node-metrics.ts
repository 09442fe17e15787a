import type { Connection, Metrics, Multiaddr } from '@libp2p/interface'

/**
 * What the node records through `components.metrics` (listed in the package README). Everything
 * here is computed when metrics are scraped, from the connection manager's connections: the node
 * does no bookkeeping between scrapes, and a node built without metrics never calls this.
 */

/** transport names by the multiaddr protocol that identifies them, most specific first */
const TRANSPORT_PROTOCOLS: Array<[string, string]> = [
  ['p2p-circuit', 'circuit-relay'],
  ['webrtc-direct', 'webrtc-direct'],
  ['webrtc', 'webrtc'],
  ['webtransport', 'webtransport'],
  ['wss', 'websockets'],
  ['ws', 'websockets'],
  ['memory', 'memory'],
  ['quic-v1', 'quic'],
  ['tcp', 'tcp']
]

/** the transport a connection runs over, read from its remote address ('unknown' when none matches) */
export function transportOf (ma: Multiaddr): string {
  const names = new Set(ma.getComponents().map(c => c.name))
  for (const [protocol, transport] of TRANSPORT_PROTOCOLS) {
    if (names.has(protocol)) { return transport }
  }
  return 'unknown'
}

function add (record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1
}

/** registers the node's connection and stream gauges, read from `getConnections` at each scrape */
export function registerNodeMetrics (metrics: Metrics, getConnections: () => Connection[]): void {
  // js-libp2p's name and keys
  metrics.registerMetricGroup('libp2p_connection_manager_connections', {
    help: 'Open connections by direction',
    calculate: () => {
      const out: Record<string, number> = { inbound: 0, outbound: 0 }
      for (const connection of getConnections()) { out[connection.direction]++ }
      return out
    }
  })
  metrics.registerMetricGroup('libp2p_connection_manager_transport_connections', {
    label: 'transport',
    help: 'Open connections by direction and transport ("inbound tcp", "outbound circuit-relay", ...)',
    calculate: () => {
      const out: Record<string, number> = {}
      for (const connection of getConnections()) { add(out, `${connection.direction} ${transportOf(connection.remoteAddr)}`) }
      return out
    }
  })
  // js-libp2p's name and keys: a gauge of open streams despite the _total suffix
  metrics.registerMetricGroup('libp2p_protocol_streams_total', {
    label: 'protocol',
    help: 'Open streams by direction and protocol ("outbound /ipfs/ping/1.0.0", ...)',
    calculate: () => {
      const out: Record<string, number> = {}
      for (const connection of getConnections()) {
        for (const stream of connection.streams) { add(out, `${stream.direction} ${stream.protocol === '' ? 'unnegotiated' : stream.protocol}`) }
      }
      return out
    }
  })
}
