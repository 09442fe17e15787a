import { UnsupportedOperationError } from './errors.js'
import type { MulticastDNSComponents, MulticastDNSInit } from './init.js'

/**
 * Browsers cannot open UDP multicast sockets, so there is no mDNS there: configuring it is a
 * mistake reported when the node is created, not a module that silently never finds anyone.
 * It imports nothing from Node.js.
 */
export class MulticastDNS {
  constructor (_components: MulticastDNSComponents, _init?: MulticastDNSInit) {
    throw new UnsupportedOperationError('mDNS discovery needs UDP multicast, which browsers do not have')
  }
}
