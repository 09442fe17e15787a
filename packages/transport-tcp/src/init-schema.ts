import { messageStreamInitSchema, option } from '@libp2p/utils'
import type { InitSchema } from '@libp2p/utils'

const socketOptions: InitSchema = {
  noDelay: option.boolean(),
  keepAlive: option.boolean(),
  keepAliveInitialDelay: option.ms(0),
  allowHalfOpen: option.unsupported('every socket is half-open so that closeWrite() is a real half-close')
}

/** `closeServerOnMaxConnections`: both counts given, positive, listenBelow <= closeAbove (js-libp2p allows them equal) */
const closeServerOnMaxConnections = option.allOf(
  option.nested({ listenBelow: option.integer(1), closeAbove: option.integer(1), onListenError: option.func() }),
  option.custom((value) => {
    const { listenBelow, closeAbove } = value as { listenBelow?: number, closeAbove?: number }
    if (listenBelow == null || closeAbove == null) { return 'needs both listenBelow and closeAbove' }
    return listenBelow > closeAbove ? `listenBelow (${listenBelow}) must not be above closeAbove (${closeAbove})` : undefined
  })
)

/** what `tcp(init)` accepts (TCPOptions) */
export const TCP_INIT_SCHEMA: InitSchema = {
  dialTimeout: option.ms(0),
  inboundSocketInactivityTimeout: option.ms(0),
  outboundSocketInactivityTimeout: option.ms(0),
  socketCloseTimeout: option.ms(0),
  listenerCloseTimeout: option.ms(0),
  maxConnections: option.integer(1),
  closeServerOnMaxConnections,
  backlog: option.integer(0),
  dialOpts: option.nested(socketOptions),
  listenOpts: option.nested(socketOptions),
  ...messageStreamInitSchema
}
