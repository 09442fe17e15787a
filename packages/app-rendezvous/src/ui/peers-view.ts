import { frameThrottle, h, shortId } from './dom.js'
import type { RendezvousApp } from '../app.js'
import type { Link } from '../links.js'

const LINK_TEXT: Record<Link, string> = { direct: 'direct WebRTC', relayed: 'relayed', none: 'not connected' }

/** the room's peers: how each is connected (direct WebRTC, through the relay, not at all), the RTT, notices */
export function peersView (app: RendezvousApp): HTMLElement {
  const body = h('tbody')
  const empty = h('p', { class: 'empty' }, 'nobody else here yet: open this page in another window, or share its link')
  const table = h('table', { id: 'peers' }, h('thead', {}, h('tr', {}, h('th', {}, 'peer'), h('th', {}, 'connection'), h('th', {}, 'round trip'))), body)
  const gone = h('p', { class: 'gone', id: 'gone-peers' })
  const render = (): void => {
    const peers = app.peers.present()
    const goneCount = app.peers.list().length - peers.length
    gone.textContent = goneCount === 0 ? '' : `${goneCount} earlier peer(s) of this room cannot be reached (closed pages, most likely); still retried now and then`
    empty.hidden = peers.length > 0
    body.replaceChildren(...peers.map(peer => h('tr', { 'data-peer': peer.id.toString(), 'data-link': peer.link },
      h('td', {}, h('span', { class: 'id', title: peer.id.toString() }, shortId(peer.id.toString()))),
      h('td', {},
        h('span', { class: `link ${peer.link}` }, LINK_TEXT[peer.link]),
        peer.notice == null ? undefined : h('div', { class: 'peer-notice' }, peer.notice)),
      h('td', {}, peer.rtt == null ? '–' : `${Math.round(peer.rtt)} ms`))))
  }
  app.peers.addEventListener('change', frameThrottle(render))
  render()
  return h('section', {}, h('h2', {}, 'Peers'), empty, table, gone)
}
