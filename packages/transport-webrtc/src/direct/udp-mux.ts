import { ListenError } from '@libp2p/interface'
import { IceUdpMuxListener } from 'node-datachannel'

/** what node-datachannel reports for a STUN request no peer connection claims */
export interface StunRequest { ufrag?: string, localUfrag?: string, host?: string, port?: number }

export type StunHandler = (req: StunRequest) => void

interface MuxEntry {
  mux: InstanceType<typeof IceUdpMuxListener>
  /** the listener served now; undefined once it closed (requests are then dropped) */
  handler?: StunHandler
  /** when the last STUN request reached JS, ms since the epoch */
  lastRequestAt: number
  /** the deferred stop, while one is scheduled */
  stopTimer?: ReturnType<typeof setTimeout>
}

/**
 * A released mux is stopped once no STUN request has reached it for this long, ms. node-datachannel
 * 0.33.4's `IceUdpMuxListener.stop()` frees its JS callback while libjuice's thread may be calling
 * it: stopping a mux that receives STUN requests aborts the process (SIGSEGV / SIGABRT in 4 of 4
 * runs of a 200-listener stress here, Node 20 and 24), so a remote peer could crash a node by
 * dialing it while it closes a listener. The callback runs within microseconds of a datagram's
 * arrival, so a quiet period makes the collision unlikely; it cannot be ruled out from JS.
 * The mux cannot simply be kept: while it exists the process cannot exit, and dropping the object
 * stops it whenever it is garbage collected.
 */
const MUX_QUIET_MS = 250

/**
 * node-datachannel's UDP mux listeners by host:port. A closed listener detaches its handler at once
 * (requests to it go unanswered); its mux is stopped after MUX_QUIET_MS without requests, and
 * listening on the same host:port before then takes it back. Under a steady stream of requests
 * the stop waits for them to end. Even stopped, libjuice does not always release the port
 * (measured: often still bound 80 s later): docs/LIMITS.md.
 */
const muxes = new Map<string, MuxEntry>()

function key (host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`
}

function scheduleStop (k: string, entry: MuxEntry): void {
  const wait = entry.lastRequestAt + MUX_QUIET_MS - Date.now()
  entry.stopTimer = setTimeout(() => {
    entry.stopTimer = undefined
    if (entry.handler != null) { return }
    if (Date.now() - entry.lastRequestAt < MUX_QUIET_MS) {
      scheduleStop(k, entry)
      return
    }
    muxes.delete(k)
    entry.mux.stop()
  }, Math.max(wait, 10))
}

/** a new mux on host:port whose STUN requests go to the entry's handler while it has one */
function openMux (k: string, host: string, port: number): MuxEntry {
  let mux: InstanceType<typeof IceUdpMuxListener>
  try {
    mux = new IceUdpMuxListener(port, host)
  } catch (err: any) {
    throw new ListenError(`could not listen on UDP ${k} - ${err.message}`, { cause: err })
  }
  const entry: MuxEntry = { mux, lastRequestAt: 0 }
  mux.onUnhandledStunRequest((req) => {
    entry.lastRequestAt = Date.now()
    entry.handler?.(req)
  })
  return entry
}

/** serve STUN requests to host:port with `handler` until the returned function is called */
export function acquireUdpMux (host: string, port: number, handler: StunHandler): () => void {
  const k = key(host, port)
  let entry = muxes.get(k)
  if (entry == null) {
    entry = openMux(k, host, port)
    muxes.set(k, entry)
  } else if (entry.handler != null) {
    throw new ListenError(`UDP ${k} is already listened on by this process`)
  }
  // a mux released within MUX_QUIET_MS is taken back before its deferred stop
  clearTimeout(entry.stopTimer)
  entry.stopTimer = undefined
  entry.handler = handler
  const owned = entry
  return () => {
    if (owned.handler !== handler) { return }
    owned.handler = undefined
    scheduleStop(k, owned)
  }
}
