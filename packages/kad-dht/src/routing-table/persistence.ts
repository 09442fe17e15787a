import { TABLE_TAG_VALUE } from './constants.js'
import type { AbortOptions, Logger, Peer, PeerId, PeerStore } from '@libp2p/interface'

/**
 * The table lives on through the peer store: each table peer carries a tag named for the DHT
 * protocol (a LAN and a WAN DHT on one node keep separate tables), removed when it leaves. The
 * peer store writes its records to the datastore, so a restarted node finds its table there. A
 * tag also tells the connection manager the peer is worth keeping (js tags table peers too).
 */
export class TablePersistence {
  readonly tagName: string
  readonly #peerStore: PeerStore
  readonly #log: Logger

  constructor (peerStore: PeerStore, protocol: string, log: Logger) {
    this.#peerStore = peerStore
    this.tagName = `kad-dht-table-${protocol}`
    this.#log = log
  }

  /** the table's peers as they were saved; a failure to read leaves the table empty, not the node down */
  async load (options?: AbortOptions): Promise<Peer[]> {
    try {
      return await this.#peerStore.all({ ...options, filters: [peer => peer.tags.has(this.tagName)] })
    } catch (err: any) {
      this.#log.error('could not read the saved routing table - %e', err)
      return []
    }
  }

  /** a write that fails (e.g. the peer already has as many tags as the store allows) is logged: the table itself is right */
  async tag (peer: PeerId): Promise<void> {
    await this.#write(peer, { value: TABLE_TAG_VALUE })
  }

  async untag (peer: PeerId): Promise<void> {
    await this.#write(peer, undefined)
  }

  async #write (peer: PeerId, tag: { value: number } | undefined): Promise<void> {
    try {
      await this.#peerStore.merge(peer, { tags: { [this.tagName]: tag } })
    } catch (err: any) {
      this.#log.error('could not %s %p in the peer store - %e', tag == null ? 'untag' : 'tag', peer, err)
    }
  }
}
