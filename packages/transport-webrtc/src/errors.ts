/** a data channel closed or errored under its stream */
export class DataChannelError extends Error {
  static name = 'DataChannelError'
  name = 'DataChannelError'
}
