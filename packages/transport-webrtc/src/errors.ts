/** the RTCPeerConnection failed or closed before it connected */
export class ConnectionFailedError extends Error {
  static name = 'ConnectionFailedError'
  name = 'ConnectionFailedError'
}

/** a data channel closed or errored under its stream */
export class DataChannelError extends Error {
  static name = 'DataChannelError'
  name = 'DataChannelError'
}

/** the listener could not take its UDP port */
export class ListenError extends Error {
  static name = 'ListenError'
  name = 'ListenError'
}
