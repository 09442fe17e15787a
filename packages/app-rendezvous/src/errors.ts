/** the page's configuration (config.json or the URL) cannot work */
export class AppConfigError extends Error {
  static name = 'AppConfigError'
  name = 'AppConfigError'
}

/** a file transfer ended before the receiver confirmed the hash */
export class TransferFailedError extends Error {
  static name = 'TransferFailedError'
  name = 'TransferFailedError'
}
