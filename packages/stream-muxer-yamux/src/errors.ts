/**
 * Errors of this package. Protocol violations by the remote use `ProtocolError` and
 * `InvalidMessageError` from `@libp2p/interface`; these cover what the interface has no name for.
 */

const GO_AWAY_REASONS: Record<number, string> = { 1: 'protocol error', 2: 'internal error' }

/** The remote ended the session with a GoAway frame carrying an error code */
export class GoAwayError extends Error {
  static name = 'GoAwayError'
  name = 'GoAwayError'
  /** the GoAway code: 1 protocol error, 2 internal error, others unknown */
  readonly code: number

  constructor (code: number) {
    super(`the remote ended the session with GoAway code ${code} (${GO_AWAY_REASONS[code] ?? 'unknown code'})`)
    this.code = code
  }
}
