import { AbortError } from '@libp2p/interface'
import { sha256Hex } from './file-protocol.js'
import { isDirect } from './links.js'
import type { RendezvousApp } from './app.js'
import type { Transfer } from './file-transfer.js'

/**
 * What the tests read and do through `window.rendezvous` (page.evaluate()): the connection objects
 * themselves, not only what the UI shows, and a way to send generated files without a file picker.
 * Plain JSON comes out, so Playwright can carry it back.
 */
export function testHook (app: RendezvousApp): Record<string, unknown> {
  const view = (t: Transfer): Omit<Transfer, 'blob'> => {
    const { blob, ...rest } = t
    return rest
  }
  return {
    peerId: app.node.peerId.toString(),
    room: app.room.name,
    ownAddresses: () => app.room.ownAddresses(),
    /** performance.now() of the room's first answered lookup and first stored announcement */
    roomTimeline: () => ({ ...app.room.timeline }),
    peers: () => app.peers.list().map(p => ({ id: p.id.toString(), link: p.link, gone: p.gone, rtt: p.rtt, notice: p.notice, firstDirectAt: p.firstDirectAt, foundAt: p.foundAt, firstDialAt: p.firstDialAt, multiaddrs: p.multiaddrs.map(ma => ma.toString()) })),
    connections: () => app.node.getConnections().map(c => ({
      remotePeer: c.remotePeer.toString(),
      remoteAddr: c.remoteAddr.toString(),
      status: c.status,
      direct: isDirect(c),
      limited: c.limits != null,
      multiplexer: c.multiplexer,
      encryption: c.encryption
    })),
    messages: () => app.chat.history(),
    say: async (text: string) => (await app.say(text)).map(r => r.status === 'fulfilled' ? 'ok' : `${r.reason?.name}: ${r.reason?.message}`),
    /** sends `bytes` random bytes to `peerId` as `name`; → { id, sha256 } (computed here, before sending) */
    sendRandomFile: async (peerId: string, name: string, bytes: number) => {
      const data = new Uint8Array(bytes)
      for (let i = 0; i < bytes; i += 65_536) { crypto.getRandomValues(data.subarray(i, Math.min(i + 65_536, bytes))) }
      const peer = app.peers.get(peerId)
      if (peer == null) { throw new TypeError(`${peerId} is not in the room`) }
      const transfer = app.sendFile(peer, name, data)
      return { id: transfer.id, sha256: await sha256Hex(data) }
    },
    transfers: () => app.files.list().map(view),
    cancel: (id: string) => { app.files.cancel(id) },
    /**
     * aborts the direct connections to `peerId`, as a network failure would (a graceful close
     * waits for the other page, which may have redialled by then); the page should fall back to
     * the relay and retry. → '<id> <status>' of each
     */
    dropDirect: (peerId: string) => {
      const direct = app.node.getConnections().filter(c => c.remotePeer.toString() === peerId && isDirect(c))
      for (const c of direct) { c.abort(new AbortError('the direct connection was dropped by the test hook')) }
      return direct.map(c => `${c.id} ${c.status}`)
    },
    leave: async () => { await app.leave() }
  }
}
