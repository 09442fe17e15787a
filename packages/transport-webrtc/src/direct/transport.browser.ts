// Browsers: WebRTC-Direct is not implemented here yet (the Node build listens and dials)
import type { Transport } from '@libp2p/interface'

/** the browser build has no WebRTC-Direct transport */
export class UnsupportedOperationError extends Error {
  static name = 'UnsupportedOperationError'
  name = 'UnsupportedOperationError'
}

export const MAX_PENDING_DIRECT_CONNECTIONS = 64
export type WebRTCTransportDirectInit = Record<string, unknown>
export type WebRTCDirectTransportComponents = Record<string, unknown>
export interface TransportCertificate { privateKey: string, pem: string, certhash: string }
export class WebRTCDirectTransport {}
export class WebRTCDirectListener {}

export function webRTCDirect (_init: WebRTCTransportDirectInit = {}): (components: WebRTCDirectTransportComponents) => Transport {
  return () => { throw new UnsupportedOperationError('webRTCDirect() is not available in browsers in this version') }
}
