import { RecordingUpgrader, rawConnection } from '@libp2p/interface-compliance-tests/transport'
import { disabledLogger } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { Uint8ArrayList } from 'uint8arraylist'
import { BrowserWebSocketConnection } from '../src/connection.browser.js'
import { webSockets } from '../src/index.js'
import type { MultiaddrConnection } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

// started in Node by .aegir.js (test/fixtures/browser-server.ts describes the roles)
const WS_ADDR = multiaddr(process.env.WS_ADDR ?? '')
const WSS_ADDR = multiaddr(process.env.WSS_ADDR ?? '')
const SHARED_ADDR = multiaddr(process.env.SHARED_ADDR ?? '')
const CLOSED_PORT = process.env.CLOSED_PORT ?? ''

const KiB = 1024
const MiB = 1024 * KiB
const encoder = new TextEncoder()
const decoder = new TextDecoder()

interface Ended { role: string, status: string, error?: string }

const transport = webSockets()({})

async function dial (addr: Multiaddr, role: string): Promise<MultiaddrConnection> {
  const maConn = rawConnection(await transport.dial(addr, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
  maConn.send(encoder.encode(role))
  return maConn
}

async function readBytes (maConn: MultiaddrConnection, bytes: number): Promise<Uint8Array> {
  const all = new Uint8ArrayList()
  while (all.byteLength < bytes) {
    const chunk = await maConn.read()
    if (chunk == null) { break }
    all.append(chunk)
  }
  return all.subarray()
}

async function readAll (maConn: MultiaddrConnection): Promise<Uint8Array> {
  return readBytes(maConn, Infinity)
}

/** how the server's connections that ended since the last query ended */
async function serverReport (): Promise<Ended[]> {
  const q = await dial(WS_ADDR, 'Q')
  const report: Ended[] = JSON.parse(decoder.decode(await readAll(q)))
  return report.filter(e => e.role !== 'Q')
}

function fnv (hash: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) { hash = Math.imul(hash ^ bytes[i], 0x01000193) }
  return hash
}

function pattern (length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) { out[i] = (i * 13 + seed) & 0xff }
  return out
}

describe('WebSockets transport in a browser', () => {
  beforeEach(async () => {
    // start each test with a clean report
    await serverReport()
  })

  it('never listens, dials ws and wss from an http page, and no TCP-only address', async () => {
    expect(location.protocol).to.equal('http:')
    expect(transport.listenFilter([WS_ADDR, WSS_ADDR])).to.deep.equal([])
    expect(() => transport.createListener({ upgrader: new RecordingUpgrader() })).to.throw().with.property('name', 'UnsupportedTransportError')
    const tcp = multiaddr('/ip4/127.0.0.1/tcp/4001')
    expect(transport.dialFilter([WS_ADDR, tcp, WSS_ADDR]).map(String)).to.deep.equal([WS_ADDR.toString(), WSS_ADDR.toString()])
    await expect(transport.dial(tcp, { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) })).to.eventually.be.rejected.with.property('name', 'InvalidMultiaddrError')
  })

  it('exchanges bytes both ways with a Node listener', async () => {
    const maConn = await dial(WS_ADDR, 'E')
    expect(maConn.remoteAddr.equals(WS_ADDR)).to.equal(true)
    maConn.send(encoder.encode('hello from the page'))
    expect(decoder.decode(await readBytes(maConn, 19))).to.equal('hello from the page')
    await maConn.close()
    expect(maConn.status).to.equal('closed')
    expect(await serverReport()).to.deep.equal([{ role: 'E', status: 'closed' }])
  })

  it('echoes 8 MiB intact, sending with back-pressure while reading', async function () {
    this.timeout(60_000)
    const maConn = await dial(WS_ADDR, 'E')
    const total = 8 * MiB
    const sending = (async () => {
      for (let sent = 0, i = 0; sent < total; i++) {
        const chunk = pattern(Math.min(64 * KiB - i % 7, total - sent), i)
        sent += chunk.byteLength
        if (!maConn.send(chunk)) { await maConn.onDrain() }
      }
    })()
    const [echoed] = await Promise.all([readBytes(maConn, total), sending])
    let expected = 0x811c9dc5
    for (let sent = 0, i = 0; sent < total; i++) {
      const chunk = pattern(Math.min(64 * KiB - i % 7, total - sent), i)
      expected = fnv(expected, chunk)
      sent += chunk.byteLength
    }
    expect(echoed.byteLength).to.equal(total)
    expect(fnv(0x811c9dc5, echoed)).to.equal(expected)
    await maConn.close()
  })

  it('reads 16 MiB a Node listener sends, then EOF', async function () {
    this.timeout(60_000)
    const total = 16 * MiB
    const maConn = await dial(WS_ADDR, 'S')
    const header = new DataView(new ArrayBuffer(4))
    header.setUint32(0, total)
    maConn.send(new Uint8Array(header.buffer))
    let got = 0
    let ok = true
    for await (const chunk of maConn) {
      for (const buf of chunk) {
        for (let i = 0; i < buf.length; i++) { ok &&= buf[i] === (((got + i) * 31 + 7) & 0xff) }
        got += buf.length
      }
    }
    expect(got).to.equal(total)
    expect(ok).to.equal(true)
    expect(maConn.remoteWriteStatus).to.equal('closed')
    expect(await serverReport()).to.deep.equal([{ role: 'S', status: 'closed' }])
  })

  it('back-pressure: a listener that does not read holds the sender, which resumes when it reads', async function () {
    this.timeout(60_000)
    const maConn = await dial(WS_ADDR, 'H')
    const chunk = pattern(64 * KiB, 3)
    let sent = 0
    let hash = 0x811c9dc5
    let held = false
    while (!held) {
      if (sent > 256 * MiB) { throw new Error('the sender was never held') }
      sent += chunk.byteLength
      hash = fnv(hash, chunk)
      if (maConn.send(chunk)) { continue }
      try {
        await maConn.onDrain({ signal: AbortSignal.timeout(300) })
      } catch (err: any) {
        expect(err.name).to.be.oneOf(['TimeoutError', 'AbortError'])
        held = true
      }
    }
    expect(maConn.writeBufferLength).to.be.greaterThan(0)

    // release: the listener reads everything and reports what it got
    const release = await dial(WS_ADDR, 'R')
    await maConn.onDrain({ signal: AbortSignal.timeout(30_000) })
    const records = new Uint8ArrayList()
    let last = { total: 0, hash: 0 }
    while (last.total < sent) {
      const chunk = await maConn.read()
      if (chunk == null) { throw new Error('EOF before the listener got everything') }
      records.append(chunk)
      while (records.byteLength >= 8) {
        last = { total: records.getUint32(0), hash: records.getUint32(4) }
        records.consume(8)
      }
    }
    expect(last).to.deep.equal({ total: sent, hash: hash >>> 0 })
    await maConn.close()
    await readAll(release)
  })

  it('maxBufferedAmount: sending holds once bufferedAmount reaches it, not at the default', async function () {
    this.timeout(60_000)
    const maxBufferedAmount = 64 * KiB
    const writeHighWaterMark = 4 * KiB
    const [host, port] = WS_ADDR.getComponents().map(c => c.value)
    const websocket = new WebSocket(`ws://${host}:${port}`)
    await new Promise((resolve, reject) => {
      websocket.addEventListener('open', resolve, { once: true })
      websocket.addEventListener('error', reject, { once: true })
    })
    const maConn = new BrowserWebSocketConnection({
      websocket,
      direction: 'outbound',
      remoteAddr: WS_ADDR,
      log: disabledLogger(),
      maxBufferedAmount,
      bufferedAmountPollInterval: 8,
      writeHighWaterMark,
      writeLowWaterMark: 1
    })
    // the listener holds this connection unread until a release
    maConn.send(encoder.encode('H'))
    const chunk = pattern(4 * KiB, 5)
    // bytes and hash of what follows the role byte, as the listener reports them
    let sent = 0
    let hash = 0x811c9dc5
    let held = false
    while (!held) {
      if (sent > 256 * MiB) { throw new Error('the sender was never held') }
      sent += chunk.byteLength
      hash = fnv(hash, chunk)
      if (maConn.send(chunk)) { continue }
      try {
        await maConn.onDrain({ signal: AbortSignal.timeout(300) })
      } catch (err: any) {
        expect(err.name).to.be.oneOf(['TimeoutError', 'AbortError'])
        held = true
      }
    }
    // held above a quarter of the limit (the poll would have resumed it below), and at most one
    // batch of the write buffer past the limit; the default (1 MiB) would hold above 256 KiB
    expect(websocket.bufferedAmount).to.be.greaterThan(maxBufferedAmount / 4)
    expect(websocket.bufferedAmount).to.be.below(maxBufferedAmount + writeHighWaterMark + chunk.byteLength + KiB)

    const release = await dial(WS_ADDR, 'R')
    await maConn.onDrain({ signal: AbortSignal.timeout(30_000) })
    const records = new Uint8ArrayList()
    let last = { total: 0, hash: 0 }
    while (last.total < sent) {
      const got = await maConn.read()
      if (got == null) { throw new Error('EOF before the listener got everything') }
      records.append(got)
      while (records.byteLength >= 8) {
        last = { total: records.getUint32(0), hash: records.getUint32(4) }
        records.consume(8)
      }
    }
    expect(last).to.deep.equal({ total: sent, hash: hash >>> 0 })
    await maConn.close()
    await readAll(release)
  })

  it('abort() resets the listener\'s connection', async () => {
    const maConn = await dial(WS_ADDR, 'E')
    maConn.send(encoder.encode('x'))
    await readBytes(maConn, 1)
    maConn.abort(new Error('aborted by the page'))
    expect(maConn.status).to.equal('aborted')
    expect(await serverReport()).to.deep.equal([{ role: 'E', status: 'reset', error: 'StreamResetError' }])
  })

  it('sees a reset when the listener aborts', async () => {
    const maConn = await dial(WS_ADDR, 'A')
    await expect(readAll(maConn)).to.eventually.be.rejected.with.property('name', 'StreamResetError')
    expect(maConn.status).to.equal('reset')
    expect(() => maConn.send(Uint8Array.of(1))).to.throw().that.satisfies((err: Error) => err.name === 'StreamStateError' && (err.cause as Error).name === 'StreamResetError')
  })

  it('closeWrite(): the listener reads EOF and the page reads EOF once it answers', async () => {
    const maConn = await dial(WS_ADDR, 'E')
    maConn.send(encoder.encode('last words'))
    expect(decoder.decode(await readBytes(maConn, 10))).to.equal('last words')
    await maConn.closeWrite()
    expect(maConn.writeStatus).to.equal('closed')
    expect(await readAll(maConn)).to.deep.equal(new Uint8Array(0))
    expect(maConn.status).to.equal('closed')
    expect(await serverReport()).to.deep.equal([{ role: 'E', status: 'closed' }])
  })

  it('dials wss (the listener\'s self-signed certificate is accepted by the test browser)', async () => {
    expect(WSS_ADDR.toString()).to.match(/\/tls\/ws$/)
    const maConn = await dial(WSS_ADDR, 'E')
    maConn.send(encoder.encode('secure'))
    expect(decoder.decode(await readBytes(maConn, 6))).to.equal('secure')
    await maConn.close()
  })

  it('dials a listener sharing its port with a page server', async () => {
    const port = SHARED_ADDR.getComponents()[1].value ?? ''
    const res = await fetch(`http://127.0.0.1:${port}/hello`)
    expect(await res.text()).to.equal('page /hello')
    const maConn = await dial(SHARED_ADDR, 'E')
    maConn.send(encoder.encode('shared'))
    expect(decoder.decode(await readBytes(maConn, 6))).to.equal('shared')
    await maConn.close()
  })

  it('fails with DialError on a closed port and AbortError on an aborted signal', async () => {
    await expect(transport.dial(multiaddr(`/ip4/127.0.0.1/tcp/${CLOSED_PORT}/ws`), { upgrader: new RecordingUpgrader(), signal: AbortSignal.timeout(10_000) }))
      .to.eventually.be.rejected.with.property('name', 'DialError')
    const controller = new AbortController()
    const dialling = transport.dial(WS_ADDR, { upgrader: new RecordingUpgrader(), signal: controller.signal })
    controller.abort()
    await expect(dialling).to.eventually.be.rejected.with.property('name', 'AbortError')
  })
})
