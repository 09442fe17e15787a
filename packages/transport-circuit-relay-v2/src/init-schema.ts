import { option, validateInit } from '@libp2p/utils'
import type { InitSchema } from '@libp2p/utils'

/** what `circuitRelayServer(init)` accepts (CircuitRelayServerInit) */
const RELAY_SERVER_INIT_SCHEMA: InitSchema = {
  hopTimeout: option.ms(1),
  stopRequestTimeout: option.ms(1),
  maxInboundHopStreams: option.integer(1),
  maxOutboundHopStreams: option.integer(1),
  maxOutboundStopStreams: option.integer(1),
  maxCircuits: option.integer(1),
  maxCircuitsPerPeer: option.integer(1),
  reservations: option.nested({
    maxReservations: option.integer(0),
    maxReservationsPerIp: option.integer(1),
    reservationTtl: option.integer(1),
    reservationClearInterval: option.ms(1),
    applyDefaultLimit: option.boolean(),
    defaultDurationLimit: option.integer(1),
    defaultDataLimit: option.bigint(1n)
  })
}

/** what `circuitRelayTransport(init)` accepts (CircuitRelayTransportInit) */
const RELAY_TRANSPORT_INIT_SCHEMA: InitSchema = {
  reservationCompletionTimeout: option.ms(1),
  reservationConcurrency: option.integer(1),
  maxReservationQueueLength: option.integer(0),
  reservationRefreshMargin: option.ms(0),
  connectTimeout: option.ms(1),
  stopTimeout: option.ms(1),
  maxInboundStopStreams: option.integer(1),
  maxOutboundStopStreams: option.integer(1),
  discoveryFilter: option.unsupported('any peer that identifies the hop protocol is a candidate relay; restrict the ones dialled with the connection gater (denyDialPeer)')
}

/** throws InvalidParametersError naming the first bad option of circuitRelayServer(init) */
export function checkServerInit (init: unknown): void {
  validateInit('circuitRelayServer()', init, RELAY_SERVER_INIT_SCHEMA)
}

/** throws InvalidParametersError naming the first bad option of circuitRelayTransport(init) */
export function checkTransportInit (init: unknown): void {
  validateInit('circuitRelayTransport()', init, RELAY_TRANSPORT_INIT_SCHEMA)
}
