/**
 * @packageDocumentation
 *
 * The rendezvous browser app (docs/BROWSER.md): pages meet in a room through the public node's
 * relay and DHT and then chat and send files over direct WebRTC connections. The bundle the node
 * serves is built from main.ts; this module is the same app for code that embeds or tests it.
 */
export { RendezvousApp } from './app.js'
export { parseConfig, loadConfig, roomFromUrl } from './config.js'
export type { AppConfig, AppConfigJson } from './config.js'
export { roomKey, Room } from './room.js'
export type { RoomProvider, RoomEvents } from './room.js'
export { RoomPeers } from './peers.js'
export type { RoomPeer, RoomPeersEvents } from './peers.js'
export { Chat } from './chat.js'
export type { ChatMessage, ChatEvents } from './chat.js'
export { FileTransfers } from './file-transfer.js'
export type { Transfer, TransferState, FileTransfersEvents } from './file-transfer.js'
export { encodeHeader, decodeHeader, encodeVerdict, decodeVerdict, cleanFileName } from './file-protocol.js'
export type { FileHeader, FileVerdict } from './file-protocol.js'
export type { Link } from './links.js'
export { parseIceServers, iceServerFromUrl, storedIceServers, ICE_SERVERS_STORAGE_KEY, MAX_ICE_SERVERS } from './ice-servers.js'
export { createAppNode } from './node.js'
export type { AppNode, ProtocolHost } from './node.js'
export * from './constants.js'
export * from './errors.js'
