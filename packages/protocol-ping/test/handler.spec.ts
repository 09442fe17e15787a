import { defaultLogger } from '@libp2p/logger'
import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import fc from 'fast-check'
import { Uint8ArrayList } from 'uint8arraylist'
import { ping, PING_LENGTH_BYTES, PING_PROTOCOL } from '../src/index.js'
import type { Connection, Registrar, Stream, StreamHandler, StreamHandlerOptions } from '@libp2p/interface'

/** a ping service whose handler the test calls directly on in-memory stream pairs */
async function startPing (): Promise<{ handler: StreamHandler, options?: StreamHandlerOptions, stop(): Promise<void> }> {
  const handlers = new Map<string, { handler: StreamHandler, options?: StreamHandlerOptions }>()
  const registrar = {
    handle: async (protocol: string, handler: StreamHandler, options?: StreamHandlerOptions) => { handlers.set(protocol, { handler, options }) },
    unhandle: async (protocol: string) => { handlers.delete(protocol) }
  } as unknown as Registrar
  const service = ping()({
    registrar,
    logger: defaultLogger(),
    connectionManager: { openConnection: async () => { throw new Error('not used') } }
  }) as unknown as { start(): Promise<void>, stop(): Promise<void> }
  await service.start()
  const record = handlers.get(PING_PROTOCOL)
  if (record == null) { throw new Error('ping did not register its handler') }
  return { ...record, stop: async () => { await service.stop() } }
}

const connection = { remotePeer: { toString: () => 'remote' } } as unknown as Connection

async function readAll (stream: Stream | ReturnType<typeof messageStreamPair>[0]): Promise<Uint8Array> {
  const all = new Uint8ArrayList()
  for await (const chunk of stream) { all.append(chunk) }
  return all.subarray()
}

describe('ping handler', () => {
  it('registers with the spec\'s stream limits and runs on limited connections', async () => {
    const { options, stop } = await startPing()
    expect(options).to.include({ maxInboundStreams: 2, maxOutboundStreams: 1, runOnLimitedConnection: true })
    await stop()
  })

  it('echoes any number of payloads, however they are chunked, then closes (fuzz)', async () => {
    const { handler, stop } = await startPing()
    await fc.assert(fc.asyncProperty(
      fc.array(fc.uint8Array({ minLength: PING_LENGTH_BYTES, maxLength: PING_LENGTH_BYTES }), { maxLength: 8 }),
      fc.integer({ min: 1, max: 70 }),
      async (payloads, chunkSize) => {
        const [out, inb] = messageStreamPair()
        const handled = handler(inb as unknown as Stream, connection)
        const all = new Uint8Array(payloads.length * PING_LENGTH_BYTES)
        payloads.forEach((p, i) => { all.set(p, i * PING_LENGTH_BYTES) })
        // a copy: the pair hands the sent buffers themselves to the other side
        const expected = all.slice()
        for (let i = 0; i < all.byteLength; i += chunkSize) { out.send(all.subarray(i, i + chunkSize)) }
        await out.closeWrite()
        expect(await readAll(out)).to.deep.equal(expected)
        await handled
        expect(inb.status).to.equal('closed')
      }
    ), { numRuns: 50 })
    await stop()
  })

  it('drops a trailing partial payload at EOF and still closes', async () => {
    const { handler, stop } = await startPing()
    const [out, inb] = messageStreamPair()
    const handled = handler(inb as unknown as Stream, connection)
    out.send(new Uint8Array(PING_LENGTH_BYTES + 5).fill(4))
    await out.closeWrite()
    expect(await readAll(out)).to.deep.equal(new Uint8Array(PING_LENGTH_BYTES).fill(4))
    await handled
    expect(inb.status).to.equal('closed')
    await stop()
  })

  it('aborts its streams when stopped', async () => {
    const { handler, stop } = await startPing()
    const [, inb] = messageStreamPair()
    const handled = handler(inb as unknown as Stream, connection)
    await stop()
    await handled
    expect(inb.status).to.equal('aborted')
  })
})
