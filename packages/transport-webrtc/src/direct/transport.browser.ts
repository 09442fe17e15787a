// Browsers dial WebRTC-Direct only: a page cannot listen on a UDP port
import { ConnectionFailedError, InvalidParametersError, transportSymbol } from '@libp2p/interface'
import { checkWebRTCDirectInit } from '../init-schema.js'
import { dialDirect } from './connection.js'
import { dialableDirectAddresses, inventedDescription, newUfrag, parseSdpFingerprint } from './sdp.js'
import type { WebRTCDirectConnectionInit, WebRTCDirectTransportComponents } from './connection.js'
import type { Connection, DialTransportOptions, Listener, Logger, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type { WebRTCDirectTransportComponents }

export const MAX_PENDING_DIRECT_CONNECTIONS = 64

/** a listener certificate as js-libp2p's `TransportCertificate` (used by the Node build only) */
export interface TransportCertificate { privateKey: string, pem: string, certhash: string }

export interface WebRTCTransportDirectInit extends WebRTCDirectConnectionInit {
  /** passed to every RTCPeerConnection, or a function giving one per dial (as js-libp2p's) */
  rtcConfiguration?: RTCConfiguration | (() => RTCConfiguration | Promise<RTCConfiguration>)
}

/** the browser build has no listener */
export class WebRTCDirectListener {}

/** `a=<name>:<value>` of an SDP */
function sdpAttribute (sdp: string, name: string): string {
  const line = sdp.split(/\r?\n/).find(l => l.startsWith(`a=${name}:`))
  if (line == null) { throw new ConnectionFailedError(`the local SDP has no a=${name}`) }
  return line.slice(name.length + 3)
}

/**
 * WebRTC-Direct dialer (specs/libp2p/webrtc/webrtc-direct.md) on the browser's RTCPeerConnection:
 * the offer's ICE ufrag and password are replaced with a fresh `libp2p+webrtc+v1/…` one before it
 * is set, the listener's answer is invented from the address; then Noise on channel 0 and the
 * upgrade, as the Node dialer.
 */
export class WebRTCDirectTransport implements Transport {
  readonly [Symbol.toStringTag] = '@libp2p/webrtc-direct'
  readonly [transportSymbol] = true
  readonly #components: WebRTCDirectTransportComponents
  readonly #init: WebRTCTransportDirectInit
  readonly #log: Logger

  constructor (components: WebRTCDirectTransportComponents, init: WebRTCTransportDirectInit = {}) {
    this.#components = components
    this.#init = init
    this.#log = components.logger.forComponent('libp2p:webrtc-direct')
  }

  listenFilter (): Multiaddr[] {
    return []
  }

  dialFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return dialableDirectAddresses(multiaddrs)
  }

  createListener (): Listener {
    throw new InvalidParametersError('browsers cannot listen on WebRTC-Direct')
  }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    return dialDirect(ma, options, { init: this.#init, components: this.#components, log: this.#log }, async (addr) => {
      const configured = this.#init.rtcConfiguration
      const config = typeof configured === 'function' ? await configured() : configured
      let pc: RTCPeerConnection
      try {
        pc = new RTCPeerConnection({ iceServers: [], ...config })
      } catch (err: any) {
        // the browser refuses a bad ICE server URL or policy with a SyntaxError / TypeError
        throw new InvalidParametersError(`rtcConfiguration: ${err.message}`, { cause: err })
      }
      return {
        pc,
        negotiate: async () => {
          const ufrag = newUfrag()
          const offer = await pc.createOffer()
          const sdp = (offer.sdp ?? '')
            .replace(/^a=ice-ufrag:.*$/mg, `a=ice-ufrag:${ufrag}`)
            .replace(/^a=ice-pwd:.*$/mg, `a=ice-pwd:${ufrag}`)
          await pc.setLocalDescription({ type: 'offer', sdp })
          await pc.setRemoteDescription({ type: 'answer', sdp: inventedDescription({ host: addr.host, port: addr.port, ufrag, fingerprint: addr.fingerprint, role: 'dialer-answer' }) })
          return parseSdpFingerprint(sdpAttribute(sdp, 'fingerprint'))
        }
      }
    })
  }
}

export function webRTCDirect (init: WebRTCTransportDirectInit = {}): (components: WebRTCDirectTransportComponents) => Transport {
  checkWebRTCDirectInit(init)
  return (components) => new WebRTCDirectTransport(components, init)
}
