import { until } from '@libp2p/interface-compliance-tests/wait'
import { disabledLogger } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { WebSocket, WebSocketServer } from 'ws'
import { WebSocketConnection } from '../src/connection.js'
import type { AddressInfo } from 'node:net'

const KiB = 1024
const MiB = 1024 * KiB

/** whether `promise` settles within `turns` turns of the event loop */
async function settlesWithin (promise: Promise<unknown>, turns: number): Promise<boolean> {
  let settled = false
  void promise.then(() => { settled = true }, () => { settled = true })
  for (let i = 0; i < turns; i++) {
    if (settled) { return true }
    await new Promise(resolve => setImmediate(resolve))
  }
  return settled
}

/**
 * A `ws` client wrapped in a WebSocketConnection, talking to a bare `ws` server that does not
 * read until release() (its socket is paused), then counts the bytes it receives
 */
async function heldPair (maxBufferedAmount: number, writeHighWaterMark: number): Promise<{
  client: WebSocket
  conn: WebSocketConnection
  received(): number
  release(): void
  close(): Promise<void>
}> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
  await new Promise(resolve => wss.once('listening', resolve))
  const port = (wss.address() as AddressInfo).port
  let received = 0
  const serverSide = new Promise<WebSocket>(resolve => {
    wss.once('connection', (ws) => {
      ws.pause()
      ws.on('message', (data: Buffer) => { received += data.byteLength })
      ws.on('error', () => {})
      resolve(ws)
    })
  })
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false })
  await new Promise((resolve, reject) => {
    client.once('open', resolve)
    client.once('error', reject)
  })
  const server = await serverSide
  const conn = new WebSocketConnection({
    websocket: client,
    direction: 'outbound',
    remoteAddr: multiaddr(`/ip4/127.0.0.1/tcp/${port}/ws`),
    log: disabledLogger(),
    maxBufferedAmount,
    writeHighWaterMark,
    writeLowWaterMark: 1
  })
  return {
    client,
    conn,
    received: () => received,
    release: () => { server.resume() },
    async close () {
      conn.abort(new Error('test done'))
      for (const ws of wss.clients) { ws.terminate() }
      await new Promise(resolve => wss.close(resolve))
    }
  }
}

describe('WebSocket connection maxBufferedAmount (Node)', () => {
  const writeHighWaterMark = 4 * KiB
  const chunk = new Uint8Array(4 * KiB).fill(0x5a)

  for (const maxBufferedAmount of [16 * KiB, MiB]) {
    it(`holds sending once ws has ${maxBufferedAmount / KiB} KiB unsent, and drains when the remote reads`, async function () {
      this.timeout(60_000)
      const p = await heldPair(maxBufferedAmount, writeHighWaterMark)
      try {
        let sent = 0
        let drain: Promise<void> | undefined
        // send until a drain does not come: the kernel's buffers are full and ws holds the rest
        while (drain == null) {
          if (sent > 256 * MiB) { throw new Error('the sender was never held') }
          sent += chunk.byteLength
          if (p.conn.send(chunk)) { continue }
          const next = p.conn.onDrain()
          if (!await settlesWithin(next, 200)) { drain = next }
        }
        // held at the limit: at least maxBufferedAmount unsent in ws, and at most one batch from
        // the write buffer (writeHighWaterMark plus a chunk, plus frame headers) beyond it
        expect(p.client.bufferedAmount).to.be.at.least(maxBufferedAmount)
        expect(p.client.bufferedAmount).to.be.below(maxBufferedAmount + writeHighWaterMark + chunk.byteLength + KiB)
        expect(p.conn.writeBufferLength).to.be.greaterThan(0)

        p.release()
        await drain
        // everything sent so far arrives
        await until(() => p.received() >= sent, `all ${sent} bytes sent so far arrive`, { timeout: 10_000 })
        expect(p.received()).to.equal(sent)
      } finally {
        await p.close()
      }
    })
  }
})
