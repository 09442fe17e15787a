import { AbortError } from '@libp2p/interface'
import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { servePerfStream } from '../src/server.js'
import type { ServeOptions } from '../src/server.js'
import type { MessageStream } from '@libp2p/interface'

const CHUNK = new Uint8Array(64 * 1024)

function header (bytes: number | bigint): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(bytes))
  return out
}

function options (init: Partial<ServeOptions> = {}): ServeOptions {
  return { chunk: CHUNK, maxDownloadBytes: Number.MAX_SAFE_INTEGER, idleTimeout: 0, timeout: 0, ...init }
}

/** count what arrives until EOF */
async function drain (stream: MessageStream): Promise<number> {
  let n = 0
  for await (const chunk of stream) { n += chunk.byteLength }
  return n
}

describe('perf server (servePerfStream)', () => {
  it('reads a header split across chunks and the upload, then sends what was asked for', async () => {
    const [client, server] = messageStreamPair()
    const serving = servePerfStream(server, options())
    const h = header(100_000)
    client.send(h.subarray(0, 3))
    client.send(h.subarray(3, 5))
    // the rest of the header and the first upload bytes in one chunk
    client.send(new Uint8Array([...h.subarray(5), 1, 2, 3]))
    client.send(new Uint8Array(70_000))
    await client.closeWrite()
    expect(await drain(client)).to.equal(100_000)
    expect(await serving).to.deep.equal({ uploadBytes: 70_003, downloadBytes: 100_000 })
    expect(server.status).to.equal('closed')
  })

  it('does not send before the upload ends (not concurrently, per the spec)', async () => {
    const [client, server] = messageStreamPair()
    const serving = servePerfStream(server, options())
    client.send(header(10))
    client.send(new Uint8Array(1000))
    // everything above has been delivered synchronously; without EOF nothing comes back
    expect(client.readBufferLength).to.equal(0)
    await client.closeWrite()
    expect(await drain(client)).to.equal(10)
    expect(await serving).to.deep.equal({ uploadBytes: 1000, downloadBytes: 10 })
  })

  it('answers zero bytes with an empty, closed stream', async () => {
    const [client, server] = messageStreamPair()
    const serving = servePerfStream(server, options())
    client.send(header(0))
    await client.closeWrite()
    expect(await drain(client)).to.equal(0)
    expect(await serving).to.deep.equal({ uploadBytes: 0, downloadBytes: 0 })
  })

  it('refuses a request over maxDownloadBytes with LimitExceededError and resets the stream', async () => {
    const [client, server] = messageStreamPair()
    const serving = servePerfStream(server, options({ maxDownloadBytes: 1000 }))
    client.send(header(1001))
    const err = await serving.then(() => undefined, (err: any) => err)
    expect(err).to.have.property('name', 'LimitExceededError')
    expect(err).to.include({ limit: 'maxDownloadBytes', value: 1000 })
    expect(server.status).to.equal('aborted')
    expect(client.status).to.equal('reset')
  })

  it('accepts any u64 with maxDownloadBytes Infinity, and stops when the client resets', async () => {
    const [client, server] = messageStreamPair()
    const serving = servePerfStream(server, options({ maxDownloadBytes: Infinity }))
    client.send(header(2n ** 64n - 1n))
    await client.closeWrite()
    let got = 0
    for await (const chunk of client) {
      got += chunk.byteLength
      if (got >= 1024 * 1024) { break }
    }
    client.abort(new AbortError('enough'))
    // the reset, or a send() refused because of it (StreamStateError whose cause is the reset)
    const err = await serving.then(() => undefined, (err: Error) => err)
    expect([err?.name, (err?.cause as Error | undefined)?.name]).to.include('StreamResetError')
  })

  it('gives InvalidMessageError when EOF comes inside the header', async () => {
    const [client, server] = messageStreamPair()
    const serving = servePerfStream(server, options())
    client.send(new Uint8Array(5))
    await client.closeWrite()
    await expect(serving).to.eventually.be.rejected.with.property('name', 'InvalidMessageError')
  })

  it('ends a client that never sends EOF after idleTimeout, with TimeoutError', async () => {
    const [client, server] = messageStreamPair()
    const serving = servePerfStream(server, options({ idleTimeout: 30 }))
    client.send(header(10))
    client.send(new Uint8Array(100))
    const err = await serving.then(() => undefined, (err: any) => err)
    expect(err).to.have.property('name', 'TimeoutError')
    expect(err.message).to.include('(idleTimeout)')
    expect(client.status).to.equal('reset')
  })

  it('ends a client that sends nothing at all after idleTimeout', async () => {
    const [, server] = messageStreamPair()
    await expect(servePerfStream(server, options({ idleTimeout: 30 }))).to.eventually.be.rejected.with.property('name', 'TimeoutError')
  })

  it('ends a stream that outlives timeout, with TimeoutError', async () => {
    const [client, server] = messageStreamPair()
    const serving = servePerfStream(server, options({ timeout: 30 }))
    client.send(header(10))
    const err = await serving.then(() => undefined, (err: any) => err)
    expect(err).to.have.property('name', 'TimeoutError')
    expect(err.message).to.include('(timeout)')
  })

  it('ends a client that stops reading the download after idleTimeout', async () => {
    const [client, server] = messageStreamPair({ readHighWaterMark: 64 * 1024 })
    const serving = servePerfStream(server, options({ idleTimeout: 30 }))
    client.send(header(64 * 1024 * 1024))
    await client.closeWrite()
    // the client reads nothing: the server's sends stall on back-pressure
    const err = await serving.then(() => undefined, (err: any) => err)
    expect(err).to.have.property('name', 'TimeoutError')
    expect(client.readBufferLength).to.be.below(64 * 1024 * 1024)
  })

  it('stops with the signal\'s reason', async () => {
    const [client, server] = messageStreamPair()
    const controller = new AbortController()
    const serving = servePerfStream(server, options({ signal: controller.signal }))
    client.send(header(10))
    const reason = new AbortError('stopping')
    controller.abort(reason)
    const err = await serving.then(() => undefined, (err: any) => err)
    expect(err).to.equal(reason)
    expect(client.status).to.equal('reset')
  })
})
