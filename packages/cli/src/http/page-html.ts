/**
 * The status page at `/`: a static shell that /status.js fills from /events. Nothing is loaded
 * from elsewhere (the node may run offline) and no inline script or style is needed, so the
 * page's Content-Security-Policy allows this origin only.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>libp2p node</title>
<link rel="icon" href="/favicon.svg">
<link rel="stylesheet" href="/status.css">
<script src="/status.js" defer></script>
</head>
<body>
<header>
  <h1>libp2p node</h1>
  <span id="live" class="badge off">connecting</span>
</header>
<main>
  <section>
    <h2>Peer id</h2>
    <div class="line"><code id="peer-id">-</code><button type="button" id="copy-peer-id">copy</button></div>
  </section>
  <section>
    <h2>Addresses</h2>
    <ul id="addresses" class="addresses"></ul>
  </section>
  <section class="counts">
    <div><b id="connection-count">0</b><span>connections<small id="max-connections"></small></span></div>
    <div><b id="reservations">0</b><span>relay reservations<small id="max-reservations"></small></span></div>
    <div><b id="circuits">0</b><span>relayed circuits<small id="max-circuits"></small></span></div>
    <div><b id="dht-table">0</b><span>DHT table peers<small id="dht-mode"></small></span></div>
  </section>
  <section>
    <h2>Connections</h2>
    <p id="no-connections">No connections.</p>
    <table id="connections">
      <thead><tr><th>peer</th><th>via</th><th>transport</th><th>direction</th><th>streams</th><th>open for</th><th>remote address</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="more-connections" hidden></p>
  </section>
  <section>
    <h2>Peers</h2>
    <p id="no-peers">No peers connected.</p>
    <table id="peers">
      <thead><tr><th>peer</th><th>reservation</th><th>direction</th><th>connections</th><th>streams</th><th>connected for</th><th>remote address</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="more-peers" hidden></p>
  </section>
  <section>
    <h2>Reservations</h2>
    <p id="no-reservations">No reservations.</p>
    <table id="reservation-list">
      <thead><tr><th>peer</th><th>reserved for</th><th>remote address</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="more-reservations" hidden></p>
  </section>
</main>
<footer><a href="/metrics">/metrics</a> <a href="/health">/health</a> <a href="/status.json">/status.json</a></footer>
</body>
</html>
`

/** what the page may load: only from the node itself */
export const PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** the page's icon: three linked nodes (a browser asks for /favicon.ico without one) */
export const PAGE_ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M8 24 16 8 24 24Z" fill="none" stroke="#2563eb" stroke-width="2.5"/>' +
  '<circle cx="16" cy="8" r="4.5" fill="#2563eb"/><circle cx="8" cy="24" r="4.5" fill="#2563eb"/><circle cx="24" cy="24" r="4.5" fill="#2563eb"/></svg>\n'
