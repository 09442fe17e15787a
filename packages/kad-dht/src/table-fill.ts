import { AbortError } from '@libp2p/interface'
import { ALPHA, TABLE_FILL_INTERVAL_MS, TABLE_FILL_MAX_PEERS, TABLE_FILL_THRESHOLD } from './constants.js'
import { findNode } from './operations/peer-routing.js'
import type { Network } from './network.js'
import type { KadRoutingTable } from './routing-table/index.js'
import type { AbortOptions, ConnectionManager, Logger, PeerId, PeerStore, Startable } from '@libp2p/interface'

/** what the fill reads of the routing table */
export type FillableTable = Pick<KadRoutingTable, 'size' | 'has'>

export interface TableFillInit {
  /** the table fills from connections while it holds fewer peers than this */
  threshold: number
  /** ms between checks of the table's size */
  interval: number
  /** peers checked (and at most probed) per fill */
  maxPeers: number
  /** probes in flight at once */
  concurrency: number
  /** the peers this node has a connection to (each once) */
  connectedPeers(): PeerId[]
  /**
   * what the peer store says the peer speaks: 'dht' (it lists our protocol), 'other' (its
   * protocols are known and ours is not among them), 'unknown' (no protocols: identify never
   * finished on any connection)
   */
  speaks(peer: PeerId, options: AbortOptions): Promise<'dht' | 'other' | 'unknown'>
  /** offers a peer known to speak the protocol to the table */
  offer(peer: PeerId): void
  /** one DHT request to the peer; resolves when it answered (which offers it to the table) */
  probe(peer: PeerId, options: AbortOptions): Promise<void>
  log: Logger
}

/**
 * Gets the node's connected DHT servers into a table that is (nearly) empty. The table learns of
 * a server through identify: a peer whose identify failed (it has a deadline, which a busy node
 * misses) is never offered, and a node whose every identify failed keeps an empty table for
 * good, since its refresh starts only with a first peer and peers that query it are not offered
 * (they may be clients). go-libp2p has the same remedy (its fixLowPeers: 2 minutes, threshold 10
 * peers): while the table is low, connected peers that speak the protocol are offered again, and
 * peers of unknown protocols are asked one FIND_NODE, as rust-libp2p learns a peer's support by
 * using it. A fill also runs at once when a query has to wait on an empty table.
 */
export class TableFill implements Startable {
  readonly #table: FillableTable
  readonly #init: TableFillInit
  #timer?: ReturnType<typeof setTimeout>
  #running?: Promise<void>
  #stopping = new AbortController()
  #started = false

  constructor (table: FillableTable, init: TableFillInit) {
    this.#table = table
    this.#init = init
  }

  start (): void {
    if (this.#started) { return }
    this.#started = true
    if (this.#stopping.signal.aborted) { this.#stopping = new AbortController() }
    this.#schedule()
  }

  stop (): void {
    this.#started = false
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#stopping.abort(new AbortError('the DHT stopped'))
  }

  /** true while the table holds fewer peers than the threshold */
  get low (): boolean {
    return this.#table.size < this.#init.threshold
  }

  /**
   * Offers or probes up to maxPeers connected peers that are not in the table yet; resolves when
   * that is done, never rejects (a peer that fails is logged). One fill runs at a time: a call
   * during a fill shares it.
   */
  async fill (): Promise<void> {
    if (!this.#started) { return }
    this.#running ??= this.#fill()
      .catch(err => { this.#init.log('table fill failed - %e', err) })
      .finally(() => { this.#running = undefined })
    return this.#running
  }

  async #fill (): Promise<void> {
    const signal = this.#stopping.signal
    const candidates = this.#init.connectedPeers().filter(p => !this.#table.has(p)).slice(0, this.#init.maxPeers)
    if (candidates.length === 0) { return }
    this.#init.log('the table holds %d peers: checking %d connected peers', this.#table.size, candidates.length)
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < candidates.length && !signal.aborted) {
        const peer = candidates[next++]
        try {
          const speaks = await this.#init.speaks(peer, { signal })
          if (speaks === 'dht') {
            this.#init.offer(peer)
          } else if (speaks === 'unknown') {
            await this.#init.probe(peer, { signal })
          }
        } catch (err) {
          this.#init.log('%p did not answer the table fill - %e', peer, err)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.#init.concurrency, candidates.length) }, worker))
  }

  #schedule (): void {
    if (!this.#started) { return }
    this.#timer = setTimeout(() => {
      void (this.low ? this.fill() : Promise.resolve()).finally(() => { this.#schedule() })
    }, this.#init.interval)
  }
}

export interface TableFillComponents {
  peerId: PeerId
  peerStore: PeerStore
  connectionManager: ConnectionManager
}

/** the DHT's table fill: its connections, its peer store, FIND_NODE of its own id as the probe */
export function tableFillFor (table: KadRoutingTable, components: TableFillComponents, network: Network, options: {
  protocol: string
  interval?: number
  offer(peer: PeerId): void
  log: Logger
}): TableFill {
  const self = components.peerId
  const selfKey = self.toMultihash().bytes
  return new TableFill(table, {
    threshold: TABLE_FILL_THRESHOLD,
    interval: options.interval ?? TABLE_FILL_INTERVAL_MS,
    maxPeers: TABLE_FILL_MAX_PEERS,
    concurrency: ALPHA,
    connectedPeers: () => {
      const peers = new Map<string, PeerId>()
      for (const connection of components.connectionManager.getConnections()) {
        const peer = connection.remotePeer
        if (!peer.equals(self)) { peers.set(peer.toString(), peer) }
      }
      return [...peers.values()]
    },
    speaks: async (peer, abort) => {
      let protocols: string[]
      try {
        protocols = (await components.peerStore.get(peer, abort)).protocols
      } catch (err: any) {
        if (err?.name === 'NotFoundError') { return 'unknown' }
        throw err
      }
      if (protocols.includes(options.protocol)) { return 'dht' }
      return protocols.length === 0 ? 'unknown' : 'other'
    },
    offer: options.offer,
    probe: async (peer, abort) => {
      await network.request(peer, findNode(selfKey), abort)
      options.offer(peer)
    },
    log: options.log
  })
}
