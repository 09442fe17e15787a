import { AbortError, LimitExceededError, ProtocolError, TypedEventEmitter } from '@libp2p/interface'
import { lpStream, withTimeout } from '@libp2p/utils'
import { FILE_CHUNK_BYTES, FILE_PROTOCOL, MAX_FILE_BYTES, MAX_FILE_HEADER_BYTES, MAX_FINISHED_TRANSFERS, MAX_INCOMING_TRANSFERS, MAX_OUTGOING_TRANSFERS, TRANSFER_IDLE_TIMEOUT_MS } from './constants.js'
import { TransferFailedError } from './errors.js'
import { cleanFileName, decodeHeader, decodeVerdict, encodeHeader, encodeVerdict, sha256Hex } from './file-protocol.js'
import type { ProtocolHost } from './node.js'
import type { Connection, Stream } from '@libp2p/interface'

export type TransferState = 'sending' | 'receiving' | 'verifying' | 'verified' | 'failed' | 'cancelled'

/** one file on its way, as the page and the test hook see it */
export interface Transfer {
  id: string
  direction: 'outgoing' | 'incoming'
  /** the other page's peer id */
  peer: string
  name: string
  size: number
  /** the digest the sender announced */
  sha256: string
  /** bytes sent (handed to the stream) or received so far */
  bytes: number
  state: TransferState
  /** why it failed or who cancelled */
  error?: string
  startedAt: number
  endedAt?: number
  /** the received file, once its hash matched */
  blob?: Blob
}

export interface FileTransfersEvents {
  change: CustomEvent<Transfer>
}

const ENDED: TransferState[] = ['verified', 'failed', 'cancelled']

/**
 * `/rendezvous/file/1.0.0` (file-protocol.ts): sends files over a direct connection with the
 * stream's back-pressure (send() → false, then onDrain()), receives them into memory, checks the
 * SHA-256 on the receiving side and tells the sender. Several run at once, each on its own stream,
 * up to MAX_OUTGOING_TRANSFERS / MAX_INCOMING_TRANSFERS; cancel() resets the stream.
 */
export class FileTransfers extends TypedEventEmitter<FileTransfersEvents> {
  readonly #node: ProtocolHost
  readonly #transfers = new Map<string, Transfer>()
  readonly #controllers = new Map<string, AbortController>()
  #nextId = 0

  constructor (node: ProtocolHost) {
    super()
    this.#node = node
  }

  async start (): Promise<void> {
    await this.#node.handle(FILE_PROTOCOL, async (stream, connection) => { await this.#receive(stream, connection) }, {
      maxInboundStreams: MAX_INCOMING_TRANSFERS
    })
  }

  async stop (): Promise<void> {
    for (const controller of this.#controllers.values()) { controller.abort(new AbortError('the page stopped')) }
    await this.#node.unhandle(FILE_PROTOCOL)
  }

  list (): Transfer[] {
    return [...this.#transfers.values()]
  }

  get (id: string): Transfer | undefined {
    return this.#transfers.get(id)
  }

  cancel (id: string): void {
    this.#controllers.get(id)?.abort(new AbortError('cancelled here'))
  }

  /** sends `data` as `name` over `connection` (a direct one: the relay's data limit is far too small for files) */
  send (connection: Connection, name: string, data: Uint8Array): Transfer {
    const outgoing = this.list().filter(t => t.direction === 'outgoing' && !ENDED.includes(t.state)).length
    if (outgoing >= MAX_OUTGOING_TRANSFERS) { throw new LimitExceededError('MAX_OUTGOING_TRANSFERS', MAX_OUTGOING_TRANSFERS, 'files sent at once') }
    if (data.byteLength > MAX_FILE_BYTES) { throw new LimitExceededError('MAX_FILE_BYTES', MAX_FILE_BYTES, 'bytes in one file') }
    const transfer = this.#add('outgoing', connection.remotePeer.toString(), cleanFileName(name), data.byteLength, '')
    void this.#run(transfer, async (signal) => { await this.#sendOn(connection, transfer, data, signal) })
    return transfer
  }

  async #sendOn (connection: Connection, transfer: Transfer, data: Uint8Array, signal: AbortSignal): Promise<void> {
    transfer.sha256 = await sha256Hex(data)
    const stream = await this.#idle(signal, 'opening the file stream', async s => connection.newStream(FILE_PROTOCOL, { signal: s }))
    signal.addEventListener('abort', () => { stream.abort(signal.reason) }, { once: true })
    const header = lpStream(stream, { maxDataLength: MAX_FILE_HEADER_BYTES })
    await this.#idle(signal, 'sending the file header', async s => { await header.write(encodeHeader({ name: transfer.name, size: transfer.size, sha256: transfer.sha256 }), { signal: s }) })
    const raw = header.unwrap()
    for (let offset = 0; offset < data.byteLength; offset += FILE_CHUNK_BYTES) {
      const chunk = data.subarray(offset, offset + FILE_CHUNK_BYTES)
      if (!raw.send(chunk)) {
        await this.#idle(signal, 'waiting for the receiver to read', async s => { await raw.onDrain({ signal: s }) })
      }
      transfer.bytes = offset + chunk.byteLength
      this.#changed(transfer)
    }
    await this.#idle(signal, 'flushing the file', async s => { await raw.close({ signal: s }) })
    transfer.state = 'verifying'
    this.#changed(transfer)
    const verdict = decodeVerdict(await this.#idle(signal, 'waiting for the receiver\'s hash check', async s => lpStream(raw, { maxDataLength: MAX_FILE_HEADER_BYTES }).read({ signal: s })))
    if (!verdict.ok || verdict.sha256 !== transfer.sha256) { throw new TransferFailedError(`the receiver got SHA-256 ${verdict.sha256}, not ${transfer.sha256}`) }
  }

  async #receive (stream: Stream, connection: Connection): Promise<void> {
    const incoming = this.list().filter(t => t.direction === 'incoming' && !ENDED.includes(t.state)).length
    if (incoming >= MAX_INCOMING_TRANSFERS) {
      stream.abort(new LimitExceededError('MAX_INCOMING_TRANSFERS', MAX_INCOMING_TRANSFERS, 'files received at once'))
      return
    }
    const transfer = this.#add('incoming', connection.remotePeer.toString(), '(header pending)', 0, '')
    await this.#run(transfer, async (signal) => {
      signal.addEventListener('abort', () => { stream.abort(signal.reason) }, { once: true })
      const lp = lpStream(stream, { maxDataLength: MAX_FILE_HEADER_BYTES })
      const header = decodeHeader(await this.#idle(signal, 'reading the file header', async s => lp.read({ signal: s })))
      Object.assign(transfer, header)
      this.#changed(transfer)
      const raw = lp.unwrap()
      const chunks: Uint8Array[] = []
      while (true) {
        const data = await this.#idle(signal, 'reading the file', async s => raw.read({ signal: s }))
        if (data == null) { break }
        if (transfer.bytes + data.byteLength > header.size) { throw new ProtocolError(`the sender sent more than the ${header.size} bytes it announced`) }
        for (const buf of data) { chunks.push(buf) }
        transfer.bytes += data.byteLength
        this.#changed(transfer)
      }
      if (transfer.bytes < header.size) { throw new ProtocolError(`the file ended after ${transfer.bytes} of ${header.size} bytes`) }
      transfer.state = 'verifying'
      this.#changed(transfer)
      const blob = new Blob(chunks as BlobPart[])
      const actual = await sha256Hex(await blob.arrayBuffer())
      const ok = actual === header.sha256
      await this.#idle(signal, 'sending the hash check', async s => {
        await lpStream(raw, { maxDataLength: MAX_FILE_HEADER_BYTES }).write(encodeVerdict({ ok, sha256: actual }), { signal: s })
        await raw.close({ signal: s })
      })
      if (!ok) { throw new TransferFailedError(`received SHA-256 ${actual}, the sender announced ${header.sha256}`) }
      transfer.blob = blob
    })
  }

  /** runs one transfer to its end state; every failure ends only this transfer */
  async #run (transfer: Transfer, body: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const controller = new AbortController()
    this.#controllers.set(transfer.id, controller)
    try {
      await body(controller.signal)
      transfer.state = 'verified'
    } catch (err: any) {
      if (controller.signal.aborted) {
        transfer.state = 'cancelled'
        transfer.error = 'cancelled here'
      } else if (err.name === 'StreamResetError' || err.cause?.name === 'StreamResetError') {
        transfer.state = 'cancelled'
        transfer.error = 'cancelled by the other page (or its connection dropped)'
      } else {
        transfer.state = 'failed'
        transfer.error = `${err.name}: ${err.message}`
      }
    } finally {
      this.#controllers.delete(transfer.id)
      transfer.endedAt = Date.now()
      this.#changed(transfer)
    }
  }

  /** one step of a transfer, bounded by TRANSFER_IDLE_TIMEOUT_MS and the transfer's cancel signal */
  async #idle<T> (signal: AbortSignal, what: string, step: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = withTimeout(TRANSFER_IDLE_TIMEOUT_MS, `${what} (TRANSFER_IDLE_TIMEOUT_MS)`, signal)
    try {
      return await step(deadline.signal)
    } finally {
      deadline.done()
    }
  }

  #add (direction: Transfer['direction'], peer: string, name: string, size: number, sha256: string): Transfer {
    const transfer: Transfer = {
      id: `${direction === 'outgoing' ? 'out' : 'in'}-${this.#nextId++}`,
      direction,
      peer,
      name,
      size,
      sha256,
      bytes: 0,
      state: direction === 'outgoing' ? 'sending' : 'receiving',
      startedAt: Date.now()
    }
    this.#transfers.set(transfer.id, transfer)
    const ended = this.list().filter(t => ENDED.includes(t.state))
    for (const old of ended.slice(0, Math.max(0, ended.length - MAX_FINISHED_TRANSFERS))) { this.#transfers.delete(old.id) }
    this.#changed(transfer)
    return transfer
  }

  #changed (transfer: Transfer): void {
    this.safeDispatchEvent('change', { detail: transfer })
  }
}
