/** a W3C RTCPeerConnection */
export function createPeerConnection (config: RTCConfiguration = {}): RTCPeerConnection {
  return new globalThis.RTCPeerConnection(config)
}
