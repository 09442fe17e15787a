/**
 * The status page's script (/status.js): follows /events and renders each status. Everything
 * from the network (addresses, peer ids) goes in through textContent, never as HTML. Plain ES2017
 * for any phone's browser; EventSource reconnects by itself after the node restarts.
 */
export const PAGE_SCRIPT = `'use strict'
;(function () {
  var byId = function (id) { return document.getElementById(id) }
  var shownAddresses = ''

  function el (tag, text, attrs) {
    var node = document.createElement(tag)
    if (text != null) node.textContent = text
    for (var name in (attrs || {})) node.setAttribute(name, attrs[name])
    return node
  }

  function copy (text, button) {
    var done = function () { button.textContent = 'copied'; setTimeout(function () { button.textContent = 'copy' }, 1500) }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text, done) })
    } else {
      fallbackCopy(text, done)
    }
  }

  // plain http on a LAN address is not a secure context: no clipboard API there
  function fallbackCopy (text, done) {
    var area = el('textarea')
    area.value = text
    document.body.appendChild(area)
    area.select()
    try { document.execCommand('copy'); done() } finally { area.remove() }
  }

  function duration (ms) {
    var s = Math.max(0, Math.round(ms / 1000))
    if (s < 60) return s + ' s'
    if (s < 3600) return Math.floor(s / 60) + ' min'
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor(s % 3600 / 60) + ' min'
    return Math.floor(s / 86400) + ' d ' + Math.floor(s % 86400 / 3600) + ' h'
  }

  function short (peer) {
    return peer.length > 16 ? peer.slice(0, 8) + '…' + peer.slice(-6) : peer
  }

  function renderAddresses (addresses) {
    // redrawn only when they change, so an open QR code stays open across updates
    var key = addresses.join('\\n')
    if (key === shownAddresses) return
    shownAddresses = key
    var list = byId('addresses')
    list.textContent = ''
    if (addresses.length === 0) list.appendChild(el('li', 'none yet'))
    addresses.forEach(function (address) {
      var item = el('li')
      var line = el('div', null, { class: 'line' })
      var copyButton = el('button', 'copy', { type: 'button' })
      var qrButton = el('button', 'QR', { type: 'button' })
      copyButton.onclick = function () { copy(address, copyButton) }
      qrButton.onclick = function () {
        var shown = item.querySelector('img')
        if (shown) { shown.remove(); return }
        item.appendChild(el('img', null, { src: '/qr.svg?address=' + encodeURIComponent(address), alt: 'QR code of ' + address }))
      }
      line.appendChild(el('code', address))
      line.appendChild(copyButton)
      line.appendChild(qrButton)
      item.appendChild(line)
      list.appendChild(item)
    })
  }

  // rows of one table, each a list of [label, node] cells; the paragraph under it counts the rows not listed
  function fillTable (id, items, attrs, cells, total, moreId, noneId) {
    var body = byId(id).querySelector('tbody')
    body.textContent = ''
    items.forEach(function (item) {
      var row = el('tr', null, attrs(item))
      cells(item).forEach(function (cell) {
        var td = el('td', null, { 'data-label': cell[0] })
        td.appendChild(cell[1])
        row.appendChild(td)
      })
      body.appendChild(row)
    })
    byId(noneId).hidden = total > 0
    byId(id).hidden = total === 0
    var more = byId(moreId)
    more.hidden = total <= items.length
    more.textContent = 'and ' + (total - items.length) + ' more (the newest are listed)'
  }

  function text (value) { return document.createTextNode(String(value)) }

  function peerCell (peer) { return ['peer', el('code', short(peer), { title: peer })] }

  function renderConnections (status, now) {
    fillTable('connections', status.connections, function (c) {
      return { 'data-peer': c.remotePeer, 'data-relayed': String(c.relayed) }
    }, function (c) {
      return [
        peerCell(c.remotePeer),
        ['via', el('span', c.relayed ? 'relayed' : 'direct', { class: c.relayed ? 'relayed' : '' })],
        ['transport', text(c.transport)],
        ['direction', text(c.direction)],
        ['streams', text(c.streams)],
        ['open for', text(duration(now - c.opened))],
        ['remote address', el('code', c.remoteAddr)]
      ]
    }, status.connectionCount, 'more-connections', 'no-connections')
  }

  function renderPeers (status, now) {
    fillTable('peers', status.peers, function (p) {
      return { 'data-peer-id': p.peerId, 'data-reservation': String(p.reservation) }
    }, function (p) {
      return [
        peerCell(p.peerId),
        ['reservation', text(p.reservation ? 'yes' : 'no')],
        ['direction', text(p.direction)],
        ['connections', text(p.connections)],
        ['streams', text(p.streams)],
        ['connected for', text(duration(now - p.connected))],
        ['remote address', el('code', p.remoteAddr)]
      ]
    }, status.peerCount, 'more-peers', 'no-peers')
    fillTable('reservation-list', status.reservations, function (r) {
      return { 'data-reserved-peer': r.peerId }
    }, function (r) {
      return [
        peerCell(r.peerId),
        ['reserved for', text(duration(now - r.since))],
        ['remote address', el('code', r.remoteAddr || '-')]
      ]
    }, status.reservationCount, 'more-reservations', 'no-reservations')
  }

  function of (limit) { return limit == null ? '' : ' of ' + limit }

  function render (status) {
    byId('peer-id').textContent = status.peerId
    renderAddresses(status.addresses)
    byId('connection-count').textContent = String(status.connectionCount)
    byId('max-connections').textContent = of(status.limits.maxConnections)
    byId('reservations').textContent = String(status.relay.reservations)
    byId('max-reservations').textContent = of(status.limits.maxReservations)
    byId('circuits').textContent = String(status.relay.circuits)
    byId('max-circuits').textContent = of(status.limits.maxCircuits)
    byId('dht-table').textContent = String(status.dht.routingTable)
    byId('dht-mode').textContent = '(' + status.dht.mode + ' mode)'
    var now = Date.now()
    renderConnections(status, now)
    renderPeers(status, now)
    document.title = 'libp2p node ' + short(status.peerId)
  }

  function live (on, text) {
    var badge = byId('live')
    badge.textContent = text
    badge.className = on ? 'badge' : 'badge off'
  }

  byId('copy-peer-id').onclick = function () { copy(byId('peer-id').textContent, byId('copy-peer-id')) }
  var events = new EventSource('/events')
  events.addEventListener('status', function (event) {
    render(JSON.parse(event.data))
    live(true, 'live')
  })
  events.onerror = function () { live(false, 'reconnecting') }
})()
`
