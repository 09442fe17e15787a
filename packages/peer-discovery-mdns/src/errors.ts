/** mDNS needs UDP multicast sockets, which only Node.js has (js-libp2p's interface has this class) */
export class UnsupportedOperationError extends Error {
  static name = 'UnsupportedOperationError'
  name = 'UnsupportedOperationError'
}
