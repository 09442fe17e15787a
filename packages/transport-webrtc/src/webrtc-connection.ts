import { ConnectionFailedError, StreamStateError } from '@libp2p/interface'
import { AbstractMessageStream } from '@libp2p/utils'
import type { Logger, MultiaddrConnection } from '@libp2p/interface'
import type { SendResult } from '@libp2p/utils'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface WebRTCConnectionInit {
  peerConnection: RTCPeerConnection
  remoteAddr: Multiaddr
  direction: 'inbound' | 'outbound'
  log: Logger
}

let connectionCount = 0

/**
 * The raw connection the upgrader gets for a WebRTC connection. It carries no bytes itself (DTLS
 * secures the peer connection, data channels are the streams), it stands for the
 * RTCPeerConnection: closing or aborting it closes the peer connection, and it closes when the
 * peer connection fails or closes. It is also the muxer's MuxedConnection.
 */
export class WebRTCConnection extends AbstractMessageStream implements MultiaddrConnection {
  readonly remoteAddr: Multiaddr
  readonly #pc: RTCPeerConnection

  constructor (init: WebRTCConnectionInit) {
    super({ id: `webrtc-${connectionCount++}`, direction: init.direction, log: init.log, closeMode: 'connection' })
    this.remoteAddr = init.remoteAddr
    this.#pc = init.peerConnection
    const onState = (): void => {
      const state = this.#pc.connectionState
      if (state === 'failed' || state === 'closed') {
        this.#pc.removeEventListener('connectionstatechange', onState)
        this.onTransportClosed(state === 'failed' ? new ConnectionFailedError('the WebRTC connection failed') : undefined)
      }
    }
    this.#pc.addEventListener('connectionstatechange', onState)
  }

  async close (): Promise<void> {
    // nothing to flush: the streams above were closed by the muxer
    this.#pc.close()
    this.onTransportClosed()
  }

  protected sendData (data: Uint8Array | { byteLength: number }): SendResult {
    throw new StreamStateError(`a WebRTC connection carries no bytes of its own (${data.byteLength} sent)`)
  }

  protected sendCloseWrite (): void {}
  protected sendCloseRead (): void {}

  protected sendReset (): void {
    this.#pc.close()
  }

  protected onFinished (): void {
    if (this.#pc.connectionState !== 'closed') { this.#pc.close() }
  }
}
