import { lpStream, withTimeout } from '@libp2p/utils'
import { MAX_MESSAGE_SIZE, RPC_TIMEOUT_MS } from './constants.js'
import { decodeMessage, encodeMessage } from './message/codec.js'
import type { KadMessage } from './message/codec.js'
import type { AbortOptions, ComponentLogger, ConnectionManager, Logger, PeerId, Stream } from '@libp2p/interface'

export interface NetworkComponents {
  connectionManager: ConnectionManager
  logger: ComponentLogger
}

export interface NetworkInit {
  protocol: string
  /** ms one RPC may take: dial, stream, request and reply (default 10 s) */
  rpcTimeout?: number
  logPrefix: string
}

/**
 * The outbound side of the wire protocol: one stream per RPC (spec: open, send, read the reply,
 * close; reset on any error), length-prefixed messages of at most 4 MiB, each RPC under its own
 * deadline as well as the caller's signal.
 */
export class Network {
  readonly #components: NetworkComponents
  readonly #protocol: string
  readonly #timeout: number
  readonly #log: Logger

  constructor (components: NetworkComponents, init: NetworkInit) {
    this.#components = components
    this.#protocol = init.protocol
    this.#timeout = init.rpcTimeout ?? RPC_TIMEOUT_MS
    this.#log = components.logger.forComponent(`${init.logPrefix}:network`)
  }

  /** sends `message` to `peer` and returns its reply */
  async request (peer: PeerId, message: KadMessage, options: AbortOptions = {}): Promise<KadMessage> {
    return this.#rpc(peer, message, true, options)
  }

  /** sends `message` and closes the stream without waiting for a reply (ADD_PROVIDER has none) */
  async send (peer: PeerId, message: KadMessage, options: AbortOptions = {}): Promise<void> {
    await this.#rpc(peer, message, false, options)
  }

  async #rpc (peer: PeerId, message: KadMessage, reply: true, options: AbortOptions): Promise<KadMessage>
  async #rpc (peer: PeerId, message: KadMessage, reply: false, options: AbortOptions): Promise<undefined>
  async #rpc (peer: PeerId, message: KadMessage, reply: boolean, options: AbortOptions): Promise<KadMessage | undefined> {
    const deadline = withTimeout(this.#timeout, `DHT request to ${peer.toString()}`, options.signal)
    const signal = deadline.signal
    let stream: Stream | undefined
    try {
      stream = await this.#components.connectionManager.openStream(peer, this.#protocol, { signal })
      const lp = lpStream(stream, { maxDataLength: MAX_MESSAGE_SIZE })
      await lp.write(encodeMessage(message), { signal })
      const answer = reply ? decodeMessage(await lp.read({ signal })) : undefined
      await stream.close({ signal })
      return answer
    } catch (err: any) {
      this.#log('%s to %p failed - %e', message.type, peer, err)
      stream?.abort(err)
      throw err
    } finally {
      deadline.done()
    }
  }
}
