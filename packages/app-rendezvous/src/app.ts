import { InvalidParametersError } from '@libp2p/interface'
import { Chat } from './chat.js'
import { FileTransfers } from './file-transfer.js'
import { isDirect, isRelayed } from './links.js'
import { createAppNode } from './node.js'
import { RoomPeers } from './peers.js'
import { Room, roomKey } from './room.js'
import type { ChatMessage } from './chat.js'
import type { AppConfig } from './config.js'
import type { Transfer } from './file-transfer.js'
import type { AppNode } from './node.js'
import type { RoomPeer } from './peers.js'

/**
 * One page's part of a room: its node, the room (announce + lookups), the peers found there and
 * how each is connected, the chat and the file transfers. The UI (ui/) and the test hook
 * (test-hook.ts) drive it; it knows nothing of the DOM.
 */
export class RendezvousApp {
  readonly node: AppNode
  readonly room: Room
  readonly peers: RoomPeers
  readonly chat: Chat
  readonly files: FileTransfers

  private constructor (node: AppNode, room: Room, peers: RoomPeers) {
    this.node = node
    this.room = room
    this.peers = peers
    this.chat = new Chat(node)
    this.files = new FileTransfers(node)
  }

  /** starts the node and joins `roomName`: listeners first, so no early event is missed */
  static async join (config: AppConfig, roomName: string): Promise<RendezvousApp> {
    if (roomName.trim() === '') { throw new InvalidParametersError('the room needs a name') }
    const node = await createAppNode(config)
    const room = new Room(node, roomName, await roomKey(roomName), config.roomPollMs)
    // the page that did not dial first waits two lookup rounds before it dials too
    const app = new RendezvousApp(node, room, new RoomPeers(node, config.relay, 2 * config.roomPollMs))
    room.addEventListener('provider', (evt) => { app.peers.found(evt.detail) })
    // a page this one does not know yet reached it through the relay (it found this page's record
    // and dials it): look the room up now rather than at the next poll, to know it in time
    node.addEventListener('connection:open', (evt) => {
      if (app.peers.get(evt.detail.remotePeer.toString()) == null && (isRelayed(evt.detail) || isDirect(evt.detail))) { room.lookupSoon() }
    })
    await app.chat.start()
    await app.files.start()
    app.peers.start()
    room.start()
    return app
  }

  async leave (): Promise<void> {
    this.room.stop()
    this.peers.stop()
    await this.files.stop()
    await this.chat.stop()
    await this.node.stop()
  }

  /** sends `text` to every peer of the room that is not gone (directly, else through the relay) */
  async say (text: string): Promise<Array<PromiseSettledResult<ChatMessage>>> {
    return Promise.allSettled(this.peers.present().map(async peer => {
      try {
        return await this.chat.send(await this.peers.connectionTo(peer.id), text)
      } catch {
        // the connection may have closed under the message (a direct one being replaced): once
        // more, on whichever connection is open now
        return this.chat.send(await this.peers.connectionTo(peer.id), text)
      }
    }))
  }

  /** sends a file to one peer over its direct connection */
  sendFile (peer: RoomPeer, name: string, data: Uint8Array): Transfer {
    const connection = this.peers.directConnection(peer.id)
    if (connection == null) { throw new InvalidParametersError(`no direct connection to ${peer.id.toString()} yet: files do not go through the relay`) }
    return this.files.send(connection, name, data)
  }
}
