import type { Connection, DialProfile } from '@libp2p/interface'

/** what openConnection() does about limited connections, decided in one place */
export interface LimitedConnectionDecision {
  /** an open connection that will do: returned without dialling */
  reuse?: Connection
  /** dial only addresses whose connection is unlimited */
  unlimitedOnly: boolean
  /** the open limited connection to the peer, if any */
  limited?: Connection
  /** returned instead of the dial's error when the dial fails and it is still open */
  fallback?: Connection
}

/**
 * What `runOnLimitedConnection` (OpenConnectionOptions) means for one openConnection() call.
 *
 * `open`: the peer's open connections (none when the caller forces a new one or names no peer);
 * `named`: what the transports say about each address the caller named (undefined for one no
 * transport dials).
 */
export function decideLimited (open: Connection[], named: Array<DialProfile | undefined>, runOnLimitedConnection?: boolean): LimitedConnectionDecision {
  const unlimited = open.find(c => c.limits == null)
  if (unlimited != null) { return { reuse: unlimited, unlimitedOnly: false } }
  const limited = open[0]
  // an address whose connection would be unlimited asks for that connection: the limited one will not do at first
  const namedUnlimited = named.some(p => p?.limited !== true)
  if (limited != null && (runOnLimitedConnection === true || (runOnLimitedConnection == null && !namedUnlimited))) {
    return { reuse: limited, unlimitedOnly: false, limited }
  }
  // a second limited connection next to an open one gains nothing: with one open, dial for an unlimited one only
  const unlimitedOnly = runOnLimitedConnection === false || limited != null
  // An address whose transport dials through another connection to set up an unlimited one asks
  // for that upgrade: its failure is the caller's answer, not the limited connection
  const namedUpgrade = named.some(p => p != null && !p.limited && p.tier > 0)
  const fallback = runOnLimitedConnection == null && !namedUpgrade ? limited : undefined
  return { unlimitedOnly, limited, fallback }
}
