import { option } from '@libp2p/utils'
import type { InitSchema } from '@libp2p/utils'

const common: InitSchema = {
  protocolPrefix: option.string(undefined, /^[^/\s]+$/),
  agentVersion: option.string(),
  timeout: option.ms(1),
  maxMessageSize: option.integer(1),
  maxMessages: option.integer(1),
  maxInboundStreams: option.integer(1),
  maxOutboundStreams: option.integer(1),
  runOnLimitedConnection: option.boolean(),
  maxObservedAddresses: option.unsupported('observed addresses are kept by the node: createLibp2p({ addresses: { maxObservedAddresses } })')
}

/** what `identify(init)` accepts (IdentifyInit) */
export const IDENTIFY_INIT_SCHEMA: InitSchema = {
  ...common,
  runOnConnectionOpen: option.boolean()
}

/** what `identifyPush(init)` accepts (IdentifyPushInit) */
export const IDENTIFY_PUSH_INIT_SCHEMA: InitSchema = {
  ...common,
  runOnSelfUpdate: option.boolean(),
  concurrency: option.integer(1),
  debounce: option.ms(0)
}
