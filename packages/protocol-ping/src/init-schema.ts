import { option } from '@libp2p/utils'
import type { InitSchema } from '@libp2p/utils'

/** what `ping(init)` accepts (PingInit) */
export const PING_INIT_SCHEMA: InitSchema = {
  protocolPrefix: option.string(undefined, /^[^/\s]+$/),
  timeout: option.ms(1),
  idleTimeout: option.ms(1),
  maxInboundStreams: option.integer(1),
  maxOutboundStreams: option.integer(1),
  runOnLimitedConnection: option.boolean()
}
