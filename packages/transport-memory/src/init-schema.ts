import { MAX_TIMER_MS, option } from '@libp2p/utils'
import type { InitSchema } from '@libp2p/utils'

/** what `memory(init)` accepts (MemoryTransportInit) */
export const MEMORY_INIT_SCHEMA: InitSchema = {
  latency: option.number(0, MAX_TIMER_MS),
  latencyMs: option.number(0, MAX_TIMER_MS),
  maxConnections: option.integer(0),
  maxInFlightBytes: option.integer(0)
}
