import { optionTests } from '@libp2p/interface-compliance-tests/options'
import { circuitRelayServer, circuitRelayTransport } from '../src/index.js'

optionTests('circuitRelayServer()', circuitRelayServer, {
  valid: [{
    hopTimeout: 1000,
    maxInboundHopStreams: 4,
    maxOutboundHopStreams: 4,
    maxOutboundStopStreams: 4,
    maxCircuits: 4,
    maxCircuitsPerPeer: 2,
    reservations: {
      maxReservations: 2,
      maxReservationsPerIp: 1,
      reservationTtl: 60_000,
      reservationClearInterval: 1000,
      applyDefaultLimit: false,
      defaultDurationLimit: 1000,
      defaultDataLimit: 1024n
    }
  }],
  refused: [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['a wrong type', { reservations: { defaultDataLimit: 1024 } }, 'reservations.defaultDataLimit'],
    ['a value out of range', { maxCircuits: 0 }, 'maxCircuits'],
    ['a nested unknown key', { reservations: { maxReservation: 1 } }, 'reservations.maxReservation']
  ]
})

optionTests('circuitRelayTransport()', circuitRelayTransport, {
  valid: [{
    reservationCompletionTimeout: 1000,
    reservationConcurrency: 2,
    maxReservationQueueLength: 10,
    reservationRefreshMargin: 0,
    connectTimeout: 1000,
    stopTimeout: 1000,
    maxInboundStopStreams: 4,
    maxOutboundStopStreams: 4
  }],
  refused: [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['a wrong type', { connectTimeout: '1s' }, 'connectTimeout'],
    ['a value out of range', { reservationConcurrency: 0 }, 'reservationConcurrency'],
    ['a js-libp2p option it lacks', { discoveryFilter: () => true }, 'discoveryFilter']
  ]
})
