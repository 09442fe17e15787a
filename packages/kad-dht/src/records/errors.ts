/**
 * A DHT record failed validation: its key has no known namespace or no validator for it, the
 * value does not decode, a signature does not verify, it has expired, or it is too large.
 * Records arrive from the network, so this is input rejected, never a crash.
 */
export class InvalidRecordError extends Error {
  static name = 'InvalidRecordError'
  name = 'InvalidRecordError'
}
