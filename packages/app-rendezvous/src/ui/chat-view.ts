import { MAX_CHAT_MESSAGE_BYTES } from '../constants.js'
import { h, shortId } from './dom.js'
import type { RendezvousApp } from '../app.js'
import type { ChatMessage } from '../chat.js'

/** the chat log and the line to type in; a message goes to every peer of the room */
export function chatView (app: RendezvousApp, notice: (text: string, error?: boolean) => void): HTMLElement {
  const log = h('div', { id: 'chat-log', 'aria-live': 'polite' })
  const line = (m: ChatMessage): HTMLElement => h('p', { class: m.own ? 'own' : '' },
    m.own ? `you → ${shortId(m.peer)}: ` : `${shortId(m.peer)}: `, m.text, ' ', h('span', { class: 'via' }, m.via))
  app.chat.addEventListener('message', (evt) => {
    log.append(line(evt.detail))
    while (log.childElementCount > 500) { log.firstElementChild?.remove() }
    log.scrollTop = log.scrollHeight
  })
  const input = h('input', { type: 'text', id: 'chat-input', placeholder: 'say something', maxlength: MAX_CHAT_MESSAGE_BYTES, autocomplete: 'off' })
  const form = h('form', {
    onsubmit: (evt: Event) => {
      evt.preventDefault()
      const text = input.value.trim()
      if (text === '') { return }
      if (app.peers.present().length === 0) {
        notice('nobody to send to yet')
        return
      }
      input.value = ''
      void app.say(text).then(results => {
        for (const r of results) {
          if (r.status === 'rejected') { notice(`a chat message was not delivered: ${r.reason?.name}: ${r.reason?.message}`, true) }
        }
      })
    }
  }, input, h('button', { type: 'submit' }, 'Send'))
  return h('section', {}, h('h2', {}, 'Chat'), log, form)
}
