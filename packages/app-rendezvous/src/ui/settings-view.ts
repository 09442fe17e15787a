import { ICE_SERVERS_STORAGE_KEY, parseIceServers } from '../ice-servers.js'
import { h } from './dom.js'

/**
 * The person's STUN/TURN servers, kept in the page's storage and used from the next load on
 * (the node's config.json gives the default). None are needed on one machine or a LAN.
 */
export function settingsView (current: RTCIceServer[], notice: (text: string, error?: boolean) => void): HTMLElement {
  const text = h('textarea', { id: 'ice-servers', rows: 4, cols: 60, spellcheck: false })
  text.value = JSON.stringify(current, null, 2)
  const save = (evt: Event): void => {
    evt.preventDefault()
    try {
      const servers = parseIceServers(text.value)
      localStorage.setItem(ICE_SERVERS_STORAGE_KEY, JSON.stringify(servers))
      notice(`saved ${servers.length} ICE server(s): reload the page to use them`)
    } catch (err: any) {
      notice(err.message, true)
    }
  }
  const reset = (): void => {
    localStorage.removeItem(ICE_SERVERS_STORAGE_KEY)
    notice('the node\'s ICE servers are used again from the next load')
  }
  return h('details', { id: 'settings' },
    h('summary', {}, 'Settings: STUN/TURN servers'),
    h('p', {}, 'A JSON list of RTCIceServer objects, e.g. [{"urls": "stun:stun.example.net:3478"}]. Needed between networks behind NAT; not on one machine or a LAN.'),
    h('form', { onsubmit: save }, text, h('button', { type: 'submit' }, 'Save'), h('button', { type: 'button', onclick: reset }, 'Use the node\'s')))
}
