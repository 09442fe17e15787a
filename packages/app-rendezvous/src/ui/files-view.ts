import { frameThrottle, formatBytes, h, shortId } from './dom.js'
import type { RendezvousApp } from '../app.js'
import type { Transfer } from '../file-transfer.js'

function detail (t: Transfer): string {
  const seconds = ((t.endedAt ?? Date.now()) - t.startedAt) / 1000
  const rate = seconds > 0 ? `${formatBytes(t.bytes / seconds)}/s` : ''
  const where = t.direction === 'outgoing' ? `to ${shortId(t.peer)}` : `from ${shortId(t.peer)}`
  const state = t.state === 'verified'
    ? `SHA-256 verified (${t.sha256.slice(0, 16)}…)`
    : t.error ?? t.state
  return `${where} · ${formatBytes(t.bytes)} of ${formatBytes(t.size)} · ${rate} · ${state}`
}

/** files: pick some to send to every directly connected peer; every transfer with a progress bar */
export function filesView (app: RendezvousApp, notice: (text: string, error?: boolean) => void): HTMLElement {
  const list = h('div', { id: 'transfers' })
  /** cancel while it runs; save once a received file checked out */
  const action = (t: Transfer): HTMLElement => {
    if (t.state === 'sending' || t.state === 'receiving' || t.state === 'verifying') {
      return h('button', { type: 'button', onclick: () => { app.files.cancel(t.id) } }, 'cancel')
    }
    return t.blob != null ? h('a', { href: URL.createObjectURL(t.blob), download: t.name }, 'save') : h('span')
  }
  const row = (t: Transfer): HTMLElement => {
    return h('div', { class: `transfer ${t.state}`, 'data-transfer': t.id, 'data-state': t.state },
      h('span', {}, t.direction === 'outgoing' ? '↑ ' : '↓ ', t.name),
      h('progress', { max: Math.max(t.size, 1), value: t.bytes }),
      action(t),
      h('div', { class: 'detail' }, detail(t)))
  }
  const render = (): void => {
    for (const old of list.querySelectorAll('a[href^="blob:"]')) { URL.revokeObjectURL((old as HTMLAnchorElement).href) }
    list.replaceChildren(...app.files.list().reverse().map(row))
  }
  app.files.addEventListener('change', frameThrottle(render))
  const picker = h('input', {
    type: 'file',
    id: 'file-input',
    multiple: true,
    onchange: () => {
      const targets = app.peers.present().filter(p => p.link === 'direct')
      if (targets.length === 0) {
        notice('files go over direct connections only, and there is none yet', true)
        return
      }
      for (const file of picker.files ?? []) {
        void file.arrayBuffer().then(buffer => {
          for (const peer of targets) { app.sendFile(peer, file.name, new Uint8Array(buffer)) }
        }).catch((err: any) => { notice(`${file.name} was not sent: ${err.name}: ${err.message}`, true) })
      }
      picker.value = ''
    }
  })
  return h('section', {}, h('h2', {}, 'Files'), h('p', {}, picker), list)
}
