import { messageStreamInitSchema, option } from '@libp2p/utils'
import type { InitSchema } from '@libp2p/utils'

/** what `webSockets(init)` accepts (WebSocketsInit); Node's server and TLS options are passed through as given */
export const WEBSOCKETS_INIT_SCHEMA: InitSchema = {
  handshakeTimeout: option.ms(0),
  maxMessageSize: option.integer(1),
  maxConnections: option.integer(1),
  listenerCloseTimeout: option.ms(0),
  socketCloseTimeout: option.ms(0),
  http: option.object('http.createServer options'),
  https: option.object('https.createServer options'),
  httpServer: option.object('an http.Server'),
  httpsServer: option.object('an https.Server'),
  onHttpsServer: option.func(),
  tlsClientOptions: option.object('tls.connect options'),
  maxBufferedAmount: option.integer(1),
  bufferedAmountPollInterval: option.ms(1),
  signal: option.unsupported('stop the node, or close its listeners, to end the transport\'s work'),
  ...messageStreamInitSchema
}
