/**
 * A Noise message did not authenticate: the bytes were tampered with, sent with another key, or
 * are not Noise at all. The connection carrying it is closed.
 */
export class DecryptionFailedError extends Error {
  static name = 'DecryptionFailedError'
  name = 'DecryptionFailedError'
}
