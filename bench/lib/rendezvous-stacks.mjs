// One round of the rendezvous benchmark per stack: page A opens and joins a fresh room; once A
// is there (its announcement stored by the node's DHT, or registered with PeerJS's server), page B
// opens. From B's navigation start (performance.timeOrigin) the pages' own clocks give: the direct
// connection to A ready in B, and B's first chat message (sent as soon as that connection is up)
// received by A. Then B sends A a generated file over the direct connection, twice; the time is the
// sender's, from before hashing it to the receiver's verdict (SHA-256 checked), as the app shows it.
import { waitIn } from './rendezvous-browser.mjs'
import { providerKeysStored } from './rendezvous-procs.mjs'

/**
 * Each round sends the file twice over the same connection: the first bulk transfer on a new
 * association starts slow in Chromium (the bare data channel's row shows it), the second shows the stack
 */
const FILE_KEYS = ['file', 'file2']
const RAW_FILE_KEYS = ['fileRaw', 'fileRaw2']

/** how often the node's metrics are read while waiting for page A's announcement */
const ANNOUNCE_POLL_MS = 50

/** waits until the node holds provider records for more room keys than `before`: page A announced its new room */
async function untilAnnounced (env, before) {
  const deadline = Date.now() + env.waitMs
  while (await providerKeysStored(env.node.httpUrl) <= before) {
    if (Date.now() > deadline) throw new Error(`the node's DHT took no new room announcement within ${env.waitMs} ms`)
    await new Promise(resolve => setTimeout(resolve, ANNOUNCE_POLL_MS))
  }
}

const sinceOpen = (at, origin) => Math.round((at - origin) * 10) / 10

/**
 * Page B's phases, ms since its navigation start: its load event ended (scripts fetched and run),
 * its first WebSocket opened (ours, js: to the relay; PeerJS: to its server), its first
 * RTCPeerConnection was made and connected (ICE and DTLS done); noted by the browser module's init script
 */
const phasesOf = async (page) => page.evaluate(() => {
  const round = (x) => x == null ? undefined : Math.round(x)
  const p = window.benchPhases ?? {}
  return { loadMs: round(performance.getEntriesByType('navigation')[0]?.loadEventEnd), wsOpenMs: round(p.wsOpen), pcCreatedMs: round(p.pcCreated), pcConnectedMs: round(p.pcConnected) }
})

/** the file part of a round: a failure is kept in the sample, so the round's connection times still count */
async function fileStep (sample, run) {
  try {
    await run()
  } catch (err) {
    sample.fileError = `${err.name}: ${err.message}`
  }
}

/**
 * Runs `body(pages)` where the body opens `pages.a` and `pages.b` with `pages.open(url)`; a
 * failure carries both pages' states, and both pages leave and close whatever happened.
 */
async function twoPages (env, describe, leave, body) {
  const pages = { open: async (url) => env.browser.open(url) }
  try {
    return await body(pages)
  } catch (err) {
    throw await withStates(err, pages.a, pages.b, describe)
  } finally {
    for (const page of [pages.a, pages.b]) if (page != null) await env.browser.close(page, leave)
  }
}

/** adds both pages' states and errors to a failed round's error */
async function withStates (err, a, b, describe) {
  for (const [name, page] of [['A', a], ['B', b]]) {
    if (page == null) continue
    const state = await page.evaluate(describe).catch(e => String(e))
    err.message += `\npage ${name}: ${state}; errors: ${page.errors.join('; ')}`
  }
  return err
}

// ------------------------------------------------------------------ ours: the app, served by the node

const oursState = () => { const r = window.rendezvous; return r == null ? 'no window.rendezvous' : JSON.stringify({ peers: r.peers(), connections: r.connections(), transfers: r.transfers() }) }

/**
 * The app's test hook exposes no events: B's page looks every 1 ms (setTimeout, so 4 ms once
 * nested) for the direct connection and then says hello; the direct time itself is the app's own
 * record (firstDirectAt), not the poll's.
 */
async function oursHelloOnDirect (a) {
  const deadline = performance.now() + 60_000
  const directTo = () => {
    const r = window.rendezvous
    const peer = r?.peers().find(p => p.id === a && p.link === 'direct')
    return peer != null && r.connections().some(c => c.remotePeer === a && c.direct && !c.limited && c.status === 'open') ? peer : undefined
  }
  while (directTo() == null) {
    if (performance.now() > deadline) throw new Error('no direct connection within 60 s')
    await new Promise(resolve => setTimeout(resolve, 1))
  }
  const sentAt = performance.now()
  const said = await window.rendezvous.say('hello')
  return { directAt: directTo().firstDirectAt, sentAt, said, origin: performance.timeOrigin }
}

async function oursRound (env, room) {
  const url = `${env.node.appUrl}?poll=${env.pollMs}#room=${room}`
  const opts = { timeoutMs: env.waitMs, describe: oursState }
  return twoPages(env, oursState, async () => { await window.rendezvous?.leave() }, async (pages) => {
    const keys = await providerKeysStored(env.node.httpUrl)
    const a = pages.a = await pages.open(url)
    const aId = await waitIn(a, 'A joins', () => window.rendezvous?.peerId, undefined, opts)
    await untilAnnounced(env, keys)
    const b = pages.b = await pages.open(url)
    const bId = await waitIn(b, 'B joins', () => window.rendezvous?.peerId, undefined, opts)
    const hello = await b.evaluate(oursHelloOnDirect, aId)
    if (!hello.said.every(s => s === 'ok')) throw new Error(`B's hello: ${hello.said.join(', ')}`)
    const heardAt = await waitIn(a, 'A hears B', (id) => window.rendezvous.messages().find(m => m.peer === id && !m.own)?.at, bId, opts)
    const sample = { bDialsFirst: bId < aId, ...await phasesOf(b), directMs: sinceOpen(hello.directAt, 0), messageMs: sinceOpen(heardAt, hello.origin), helloSentMs: sinceOpen(hello.sentAt, 0) }
    if (env.fileBytes > 0) await fileStep(sample, async () => {
      for (const key of FILE_KEYS) {
        const { id, sha256 } = await b.evaluate(({ a, n }) => window.rendezvous.sendRandomFile(a, 'bench.bin', n), { a: aId, n: env.fileBytes })
        const t = await waitIn(b, key, (id) => {
          const t = window.rendezvous.transfers().find(t => t.id === id)
          return t != null && ['verified', 'failed', 'cancelled'].includes(t.state) ? t : null
        }, id, { ...opts, timeoutMs: env.fileWaitMs })
        if (t.state !== 'verified' || t.sha256 !== sha256) throw new Error(`${key} ended ${t.state}: ${t.error ?? `sha256 ${t.sha256} instead of ${sha256}`}`)
        sample[key] = { bytes: env.fileBytes, ms: t.endedAt - t.startedAt }
      }
    })
    return sample
  })
}

// ------------------------------------------------------------------ js-libp2p 3.3.11 pages

const jsState = () => window.jsRoom == null ? 'no window.jsRoom' : JSON.stringify(window.jsRoom.state)

async function jsRound (env, room) {
  const url = `${env.pages.url}js/?${new URLSearchParams({ relay: env.node.relay, room, poll: String(env.pollMs) })}`
  const opts = { timeoutMs: env.waitMs, describe: jsState }
  return twoPages(env, jsState, async () => { await window.jsRoom?.leave() }, async (pages) => {
    const keys = await providerKeysStored(env.node.httpUrl)
    const a = pages.a = await pages.open(url)
    const aId = await waitIn(a, 'A announces itself', () => window.jsRoom?.state.announced && window.jsRoom.state.peerId, undefined, opts)
    await untilAnnounced(env, keys)
    const b = pages.b = await pages.open(`${url}&hello=1`)
    const directAt = await waitIn(b, 'B goes direct to A', (id) => window.jsRoom?.state.directAt[id], aId, opts)
    const { bId, origin } = await b.evaluate(() => ({ bId: window.jsRoom.state.peerId, origin: performance.timeOrigin }))
    const heardAt = await waitIn(a, 'A hears B', (id) => window.jsRoom.state.received.find(m => m.peer === id)?.at, bId, opts)
    const helloTries = await b.evaluate(() => window.jsRoom.state.helloTries)
    const sample = { bDialsFirst: bId < aId, ...await phasesOf(b), directMs: sinceOpen(directAt, 0), messageMs: sinceOpen(heardAt, origin), helloTries }
    if (env.fileBytes > 0) await fileStep(sample, async () => {
      for (const key of FILE_KEYS) {
        const f = await b.evaluate(({ a, n }) => window.jsRoom.sendFile(a, n), { a: aId, n: env.fileBytes })
        if (!f.ok) throw new Error(`${key}'s SHA-256 did not match: sent ${f.sha256}, received ${f.received}`)
        sample[key] = { bytes: f.bytes, ms: f.ms, hashMs: f.hashMs, handedOverMs: f.handedOverMs }
      }
    })
    return sample
  })
}

// ------------------------------------------------------------------ PeerJS 1.5.5 + peer 1.0.2

const peerjsState = () => window.peerjsRoom == null ? 'no window.peerjsRoom' : JSON.stringify(window.peerjsRoom.state)

async function peerjsRound (env) {
  const url = `${env.pages.url}peerjs/?port=${env.peerServer.port}`
  const opts = { timeoutMs: env.waitMs, describe: peerjsState }
  return twoPages(env, peerjsState, async () => { await window.peerjsRoom?.leave() }, async (pages) => {
    const a = pages.a = await pages.open(url)
    const aId = await waitIn(a, 'A registers', () => window.peerjsRoom?.state.open && window.peerjsRoom.state.peerId, undefined, opts)
    const b = pages.b = await pages.open(`${url}&target=${encodeURIComponent(aId)}`)
    const directAt = await waitIn(b, 'B connects to A', (id) => window.peerjsRoom?.state.directAt[id], aId, opts)
    const origin = await b.evaluate(() => performance.timeOrigin)
    const heardAt = await waitIn(a, 'A hears B', () => window.peerjsRoom.state.received[0]?.at, undefined, opts)
    const sample = { ...await phasesOf(b), directMs: sinceOpen(directAt, 0), messageMs: sinceOpen(heardAt, origin) }
    if (env.fileBytes > 0) await fileStep(sample, async () => {
      // the raw connection opens before the binary file is sent, so neither file goes over a brand-new
      // association (a fresh one starts slow: see docs/PERFORMANCE.md)
      await b.evaluate(() => window.peerjsRoom.open('raw'))
      for (const [serialization, keys] of [['binary', FILE_KEYS], ['raw', RAW_FILE_KEYS]]) {
        for (const key of keys) {
          const f = await b.evaluate(({ s, n }) => window.peerjsRoom.sendFile(s, n), { s: serialization, n: env.fileBytes })
          if (!f.ok) throw new Error(`${key}'s SHA-256 did not match: sent ${f.sha256}, received ${f.received}`)
          sample[key] = { bytes: f.bytes, ms: f.ms, hashMs: f.hashMs, handedOverMs: f.handedOverMs }
        }
      }
    })
    return sample
  })
}

// ------------------------------------------------------------------ the limit: bare RTCDataChannels

/** in page A: a peer connection and channel, the offer once ICE gathering is complete */
async function limitOffer () {
  const pc = new RTCPeerConnection({ iceServers: [] })
  const dc = pc.createDataChannel('bench')
  window.limit = { pc, dc }
  await pc.setLocalDescription()
  // loopback gathers in milliseconds; after 10 s the description goes with what it has
  await new Promise(resolve => {
    if (pc.iceGatheringState === 'complete') resolve()
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() })
    setTimeout(resolve, 10_000)
  })
  return pc.localDescription.toJSON()
}

/** in page B: answers, and counts what arrives; `window.limit.until(n)` → Date.now() when n bytes in all have arrived */
async function limitAnswer (offer) {
  const pc = new RTCPeerConnection({ iceServers: [] })
  let got = 0
  const waiting = []
  pc.addEventListener('datachannel', (evt) => {
    evt.channel.binaryType = 'arraybuffer'
    evt.channel.addEventListener('message', (m) => {
      got += m.data.byteLength
      for (const w of waiting.filter(w => got >= w.n)) { waiting.splice(waiting.indexOf(w), 1); w.resolve(Date.now()) }
    })
  })
  window.limit = { pc, until: (n) => new Promise(resolve => { if (got >= n) resolve(Date.now()); else waiting.push({ n, resolve }) }) }
  await pc.setRemoteDescription(offer)
  await pc.setLocalDescription()
  // loopback gathers in milliseconds; after 10 s the description goes with what it has
  await new Promise(resolve => {
    if (pc.iceGatheringState === 'complete') resolve()
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve() })
    setTimeout(resolve, 10_000)
  })
  return pc.localDescription.toJSON()
}

/** in page A: `bytes` in messages of `size`, pausing above `high` buffered bytes; → Date.now() at the start */
async function limitSend ({ answer, bytes, size, high }) {
  const { pc, dc } = window.limit
  if (pc.remoteDescription == null) await pc.setRemoteDescription(answer)
  const event = (name, what) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within 30 s`)), 30_000)
    dc.addEventListener(name, () => { clearTimeout(timer); resolve() }, { once: true })
  })
  if (dc.readyState !== 'open') await event('open', 'open data channel')
  dc.bufferedAmountLowThreshold = high / 2
  const message = new Uint8Array(size)
  const startedAt = Date.now()
  for (let offset = 0; offset < bytes; offset += size) {
    if (dc.bufferedAmount > high) await event('bufferedamountlow', 'room in the data channel')
    dc.send(message)
  }
  return startedAt
}

/**
 * What the browser's data channel itself does between two pages (no library, SDP handed across by
 * the bench): the file's size in 64 KiB messages (PeerJS raw's size) as the first bulk transfer on
 * the new association, once more on it, then in 16 KiB messages (the largest the libp2p WebRTC
 * spec allows, which ours and js send); 1 MiB high water.
 */
async function limitRound (env) {
  const url = `${env.pages.url}blank/`
  const describe = () => JSON.stringify({ connection: window.limit?.pc.connectionState })
  return twoPages(env, describe, async () => { window.limit?.pc.close() }, async (pages) => {
    const a = pages.a = await pages.open(url)
    const b = pages.b = await pages.open(url)
    const answer = await b.evaluate(limitAnswer, await a.evaluate(limitOffer))
    const sample = {}
    let sent = 0
    // the first bulk transfer on a new association is the slow one (see docs/PERFORMANCE.md): it is
    // kept apart from the two after it, on the same association
    for (const [key, size] of [['file64k', 64 * 1024], ['file64kAgain', 64 * 1024], ['file16k', 16 * 1024]]) {
      sent += env.fileBytes
      const startedAt = await a.evaluate(limitSend, { answer, bytes: env.fileBytes, size, high: 1024 * 1024 })
      // the count is cumulative, so bytes that arrive before this call are not missed
      const arrivedAt = await b.evaluate(({ n, ms }) => Promise.race([
        window.limit.until(n),
        new Promise((resolve, reject) => setTimeout(() => reject(new Error(`${n} bytes did not arrive within ${ms} ms`)), ms))
      ]), { n: sent, ms: env.fileWaitMs })
      sample[key] = { bytes: env.fileBytes, ms: arrivedAt - startedAt }
    }
    return sample
  })
}

export const ROUNDS = { ours: oursRound, js: jsRound, peerjs: peerjsRound, limit: limitRound }
