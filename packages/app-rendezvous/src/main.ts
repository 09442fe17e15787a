/**
 * The page's entry (bundled into app.js): reads the configuration, asks for a room when the URL
 * names none, joins it and shows peers, chat and files. `window.rendezvous` is the test hook.
 */
import { withTimeout } from '@libp2p/utils'
import { RendezvousApp } from './app.js'
import { loadConfig, roomFromUrl } from './config.js'
import { CONFIG_TIMEOUT_MS, MAX_ROOM_NAME_CHARS, RESERVATION_TIMEOUT_MS } from './constants.js'
import { storedIceServers } from './ice-servers.js'
import { testHook } from './test-hook.js'
import { chatView } from './ui/chat-view.js'
import { h, shortId } from './ui/dom.js'
import { filesView } from './ui/files-view.js'
import { peersView } from './ui/peers-view.js'
import { settingsView } from './ui/settings-view.js'

const root = document.getElementById('app') as HTMLElement
const status = document.getElementById('status') as HTMLElement
const notices = h('div', { class: 'notices', id: 'notices' })

function notice (text: string, error = false): void {
  notices.append(h('p', { class: error ? 'error' : '' }, text))
  while (notices.childElementCount > 5) { notices.firstElementChild?.remove() }
}

async function askRoom (): Promise<string> {
  const input = h('input', { type: 'text', id: 'room-input', placeholder: 'room name', maxlength: MAX_ROOM_NAME_CHARS, required: true })
  return new Promise(resolve => {
    const form = h('form', {
      id: 'join',
      onsubmit: (evt: Event) => {
        evt.preventDefault()
        const room = input.value.trim()
        if (room === '') { return }
        form.remove()
        resolve(room)
      }
    }, input, h('button', { type: 'submit' }, 'Join'))
    root.append(h('p', {}, 'Pick a room: everyone who joins the same name meets here.'), form)
    input.focus()
  })
}

async function main (): Promise<void> {
  root.append(notices)
  const deadline = withTimeout(CONFIG_TIMEOUT_MS, 'loading config.json (CONFIG_TIMEOUT_MS)')
  const config = await loadConfig(location, deadline.signal).finally(() => { deadline.done() })
  config.iceServers = storedIceServers(localStorage) ?? config.iceServers
  const roomName = roomFromUrl(location) ?? await askRoom()
  location.hash = new URLSearchParams({ room: roomName }).toString()
  root.replaceChildren(notices)
  status.textContent = `room “${roomName}”: starting`
  const app = await RendezvousApp.join(config, roomName)
  Object.assign(window, { rendezvous: testHook(app) })
  const showStatus = (): void => {
    const reserved = app.room.ownAddresses().length > 0
    status.replaceChildren(`room “${roomName}” · you are `, h('span', { class: 'id', id: 'self-id' }, shortId(app.node.peerId.toString())),
      ` · ${reserved ? 'reachable through the relay' : 'waiting for a relay reservation'}`)
  }
  app.node.addEventListener('self:peer:update', showStatus)
  showStatus()
  const reservationCheck = setTimeout(() => {
    if (app.room.ownAddresses().length === 0) { notice(`no relay reservation after ${RESERVATION_TIMEOUT_MS / 1000} s: is the node at ${config.relay.map(String).join(', ')} running?`, true) }
  }, RESERVATION_TIMEOUT_MS)
  app.room.addEventListener('error', (evt) => { notice(`room: ${evt.detail.name}: ${evt.detail.message} (retrying)`, true) })
  app.room.addEventListener('announced', () => { clearTimeout(reservationCheck) })
  app.peers.addEventListener('change', (evt) => {
    if (evt.detail.notice?.startsWith('direct connection lost') === true) { notice(`${shortId(evt.detail.id.toString())}: ${evt.detail.notice}`) }
  })
  root.append(h('p', {}, 'Share this page\'s link to invite someone to the room.'), peersView(app), chatView(app, notice), filesView(app, notice), settingsView(config.iceServers, notice))
  addEventListener('pagehide', () => { void app.leave() })
  // another room in the address bar (a pasted link): the node belongs to this room, start afresh
  addEventListener('hashchange', () => { if (roomFromUrl(location) !== roomName) { location.reload() } })
}

main().catch((err: any) => {
  notice(`${err.name}: ${err.message}`, true)
  status.textContent = 'stopped'
})
