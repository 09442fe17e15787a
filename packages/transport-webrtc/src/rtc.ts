// Node: node-datachannel's W3C polyfill (libdatachannel). The browser build uses the native one (rtc.browser.ts).
import { RTCPeerConnection as PolyfillPeerConnection } from 'node-datachannel/polyfill'

/** a W3C RTCPeerConnection */
export function createPeerConnection (config: RTCConfiguration = {}): RTCPeerConnection {
  // the polyfill's types differ in details from lib.dom's; it implements the same API
  return new PolyfillPeerConnection(config) as unknown as RTCPeerConnection
}
