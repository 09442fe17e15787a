import type { Status } from './pb/circuit.js'

/**
 * A relay or a target answered a hop/stop request with a status other than OK. `status` is the
 * circuit-v2 `Status` name (e.g. `NO_RESERVATION`, `RESOURCE_LIMIT_EXCEEDED`).
 */
export class RelayRefusedError extends Error {
  static name = 'RelayRefusedError'
  name = 'RelayRefusedError'
  readonly status: Status | 'UNSET'

  constructor (status: Status | undefined, message?: string) {
    super(message ?? `the relay answered ${status ?? 'no status'}`)
    this.status = status ?? 'UNSET'
  }
}
