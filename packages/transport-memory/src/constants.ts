/** no delay: chunks reach the other end synchronously */
export const DEFAULT_LATENCY_MS = 0

/** connections one listener keeps open at most (MemoryTransportInit.maxConnections) */
export const DEFAULT_MAX_CONNECTIONS = 1024

/**
 * With latency, bytes sent and not yet delivered; above this the sender's send() reports
 * back-pressure until deliveries catch up (MemoryTransportInit.maxInFlightBytes)
 */
export const DEFAULT_MAX_IN_FLIGHT_BYTES = 4 * 1024 * 1024
