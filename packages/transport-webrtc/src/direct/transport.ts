import { createSocket } from 'node:dgram'
import { noise } from '@chainsafe/libp2p-noise'
import { AbortError, ConnectionFailedError, InvalidMultiaddrError, InvalidParametersError, TypedEventEmitter, transportSymbol } from '@libp2p/interface'
import { withTimeout } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { PeerConnection } from 'node-datachannel'
import { RTCPeerConnection as PolyfillPeerConnection } from 'node-datachannel/polyfill'
import { DEFAULT_CERTIFICATE_DATASTORE_KEY, DEFAULT_CERTIFICATE_RENEWAL_THRESHOLD_MS, LISTENER_CLOSE_TIMEOUT_MS, MAX_MESSAGE_SIZE_BYTES, SIGNALING_TIMEOUT_MS } from '../constants.js'
import { checkWebRTCDirectInit } from '../init-schema.js'
import { withOpenFix } from '../lost-open.js'
import { EarlyChannels } from '../muxer.js'
import { DataChannelStream } from '../stream.js'
import { upgrade } from '../upgrade.js'
import { CertificateStore, systemClock } from './certificate-store.js'
import { generateCertificate, readCertificate } from './certificate.js'
import { channelOpen, dialDirect } from './connection.js'
import { interfaceHosts } from './interface-hosts.js'
import { nativeRtcConfig } from './rtc-config.js'
import { certhash, dialableDirectAddresses, inventedDescription, newUfrag, noisePrologue, parseSdpFingerprint } from './sdp.js'
import { acquireUdpMux } from './udp-mux.js'
import type { CertificateClock } from './certificate-store.js'
import type { ListenerCertificate, TransportCertificate } from './certificate.js'
import type { WebRTCDirectConnectionInit, WebRTCDirectTransportComponents } from './connection.js'
import type { StunRequest } from './udp-mux.js'
import type { AbortOptions, Connection, CreateListenerOptions, DialTransportOptions, Listener, ListenerEvents, Logger, Startable, Transport } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export type { TransportCertificate, CertificateClock }

/** a pending inbound handshake per client (host:port:ufrag); more clients are ignored until some finish */
export const MAX_PENDING_DIRECT_CONNECTIONS = 64
/** js-libp2p's default certificate lifespan */
export const CERTIFICATE_LIFESPAN_MS = 2_592_000_000

export type { WebRTCDirectTransportComponents }

export interface WebRTCTransportDirectInit extends WebRTCDirectConnectionInit {
  /**
   * the listener's ECDSA P-256 certificate, used as given (never renewed); by default one is
   * generated, kept in the node's datastore and renewed before it expires
   */
  certificate?: TransportCertificate
  /** ms a generated certificate is valid for (default 30 days) */
  certificateLifespan?: number
  /**
   * the datastore key the generated certificate and its private key are kept under, so a restarted
   * node serves the same certhash (default '/libp2p/webrtc-direct/certificate'; js-libp2p keeps
   * only the certificate there and the key in its keychain, which this node does not have)
   */
  certificateDatastoreKey?: string
  /**
   * ms before its expiry a generated certificate is replaced (default one day); its successor is
   * announced beside it from min(this, (certificateLifespan - this) / 2) before the switch
   */
  certificateRenewalThreshold?: number
  /** the clock of the renewals (not a js-libp2p option): tests pass one they advance (default: Date.now and timers) */
  certificateClock?: CertificateClock
  /** inbound handshakes in progress at once (default 64); clients beyond it are ignored (not a js-libp2p option) */
  maxPendingConnections?: number
  /**
   * the dialer's RTCConfiguration, or a function giving one per dial (as js-libp2p's). In Node,
   * `iceServers` is used (stun:, turn:, turns: URLs; TURN needs `username` and `credential`);
   * `iceTransportPolicy` must be `all` (`relay` cannot be honoured: the dial signals no candidates);
   * the other fields have no node-datachannel equivalent and are ignored. An unusable
   * configuration fails the dial with InvalidParametersError.
   */
  rtcConfiguration?: RTCConfiguration | (() => RTCConfiguration | Promise<RTCConfiguration>)
}

type NativePeerConnection = InstanceType<typeof PeerConnection>
let pcCount = 0

function wrap (native: NativePeerConnection): RTCPeerConnection {
  // the polyfill drives the native connection it is given; its types differ in details from lib.dom's
  return new PolyfillPeerConnection({ peerConnection: withOpenFix(native) } as any) as unknown as RTCPeerConnection
}

function localFingerprint (native: NativePeerConnection): Uint8Array {
  const line = native.localDescription()?.sdp.split(/\r?\n/).find(l => l.startsWith('a=fingerprint:'))
  if (line == null) { throw new ConnectionFailedError('no local DTLS fingerprint') }
  return parseSdpFingerprint(line.slice('a=fingerprint:'.length))
}

function isLoopback (host: string): boolean {
  return host.startsWith('127.') || host === '::1'
}

/** a UDP port free now (node-datachannel's mux listener reports 0 for port 0) */
async function freeUdpPort (host: string): Promise<number> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4')
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject)
      socket.bind(0, host, () => { resolve() })
    })
    return socket.address().port
  } finally {
    socket.close()
  }
}

/**
 * WebRTC-Direct (specs/libp2p/webrtc/webrtc-direct.md), Node: listens on a UDP port (ICE lite,
 * one certificate per transport) at `/ip4/<ip>/udp/<port>/webrtc-direct/certhash/<hash>`; dials
 * such addresses without signaling (both sides invent the SDP they never receive), then runs
 * Noise XX on data channel 0 with the DTLS fingerprints as prologue (the listener initiates) and
 * upgrades with the data-channel muxer.
 */
export class WebRTCDirectTransport implements Transport, Startable {
  readonly [Symbol.toStringTag] = '@libp2p/webrtc-direct'
  readonly [transportSymbol] = true
  readonly #components: WebRTCDirectTransportComponents
  readonly #init: WebRTCTransportDirectInit
  readonly #log: Logger
  /** init.certificate, served as given */
  readonly #given?: ListenerCertificate
  readonly #store: CertificateStore
  /** a transport used without start() (outside a node) serves an in-memory certificate */
  #unstarted?: ListenerCertificate
  readonly #listeners = new Set<WebRTCDirectListener>()

  constructor (components: WebRTCDirectTransportComponents, init: WebRTCTransportDirectInit = {}) {
    this.#components = components
    this.#init = init
    this.#log = components.logger.forComponent('libp2p:webrtc-direct')
    if (init.certificate != null) {
      this.#given = readCertificate(init.certificate.pem, init.certificate.privateKey)
      if (this.#given == null) {
        throw new InvalidParametersError('certificate.pem and certificate.privateKey are not a PEM certificate and its private key')
      }
      if (certhash(this.#given.fingerprint) !== init.certificate.certhash) {
        throw new InvalidParametersError('certificate.certhash is not the SHA-256 multihash of certificate.pem')
      }
    }
    const lifespan = init.certificateLifespan ?? CERTIFICATE_LIFESPAN_MS
    const renewalThreshold = init.certificateRenewalThreshold ?? DEFAULT_CERTIFICATE_RENEWAL_THRESHOLD_MS
    if (renewalThreshold >= lifespan) {
      throw new InvalidParametersError(`certificateRenewalThreshold (${renewalThreshold} ms) must be less than certificateLifespan (${lifespan} ms)`)
    }
    this.#store = new CertificateStore({
      datastore: components.datastore,
      datastoreKey: init.certificateDatastoreKey ?? DEFAULT_CERTIFICATE_DATASTORE_KEY,
      lifespan,
      renewalThreshold,
      clock: init.certificateClock ?? systemClock,
      log: this.#log
    }, () => {
      // the addresses changed (a successor announced, or the switch): the node re-reads them
      for (const listener of this.#listeners) { listener.certificatesChanged() }
    })
  }

  async start (): Promise<void> {
    if (this.#given == null) { await this.#store.start() }
  }

  stop (): void {
    this.#store.stop()
  }

  /** the certificates announced, the one served first */
  #certificates (): ListenerCertificate[] {
    if (this.#given != null) { return [this.#given] }
    const announced = this.#store.announced
    if (announced.length > 0) { return announced }
    this.#unstarted ??= generateCertificate(this.#init.certificateLifespan ?? CERTIFICATE_LIFESPAN_MS)
    return [this.#unstarted]
  }

  /** the listener certificate served now (its certhash is in the listen addresses) */
  get certificate (): TransportCertificate {
    const { pem, privateKey, fingerprint } = this.#certificates()[0]
    return { pem, privateKey, certhash: certhash(fingerprint) }
  }

  listenFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return multiaddrs.filter(ma => parseListenAddress(ma) != null)
  }

  dialFilter (multiaddrs: Multiaddr[]): Multiaddr[] {
    return dialableDirectAddresses(multiaddrs)
  }

  createListener (options: CreateListenerOptions): Listener {
    const listener = new WebRTCDirectListener({
      ...this.#components,
      upgrader: options.upgrader ?? this.#components.upgrader
    }, this.#init, () => this.#certificates(), this.#log)
    this.#listeners.add(listener)
    listener.addEventListener('close', () => { this.#listeners.delete(listener) }, { once: true })
    return listener
  }

  async dial (ma: Multiaddr, options: DialTransportOptions): Promise<Connection> {
    return dialDirect(ma, options, { init: this.#init, components: this.#components, log: this.#log }, async (addr) => {
      const configured = this.#init.rtcConfiguration
      const rtc = nativeRtcConfig((typeof configured === 'function' ? await configured() : configured) ?? {})
      const ufrag = newUfrag()
      const native = new PeerConnection(`direct-dial-${pcCount++}`, {
        ...rtc,
        disableAutoNegotiation: true,
        maxMessageSize: MAX_MESSAGE_SIZE_BYTES,
        ...(isLoopback(addr.host) ? { bindAddress: addr.host } : {})
      })
      return {
        pc: wrap(native),
        negotiate: async () => {
          native.setLocalDescription('offer', { iceUfrag: ufrag, icePwd: ufrag })
          native.setRemoteDescription(inventedDescription({ host: addr.host, port: addr.port, ufrag, fingerprint: addr.fingerprint, role: 'dialer-answer' }), 'answer')
          return localFingerprint(native)
        }
      }
    })
  }
}

/** `/ip4|ip6/<ip>/udp/<port>/webrtc-direct`, else undefined */
function parseListenAddress (ma: Multiaddr): { host: string, port: number } | undefined {
  const parts = ma.getComponents()
  if (parts.length !== 3) { return undefined }
  const [ip, udp, direct] = parts
  if ((ip.name !== 'ip4' && ip.name !== 'ip6') || udp.name !== 'udp' || direct.name !== 'webrtc-direct' || ip.value == null) { return undefined }
  const port = Number(udp.value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) { return undefined }
  return { host: ip.value, port }
}

export class WebRTCDirectListener extends TypedEventEmitter<ListenerEvents> implements Listener {
  readonly #components: WebRTCDirectTransportComponents
  readonly #init: WebRTCTransportDirectInit
  /** the certificates announced, the one served first */
  readonly #certificates: () => ListenerCertificate[]
  readonly #log: Logger
  /** handshakes in progress, by client host:port:ufrag (the client repeats its STUN request until answered) */
  readonly #pending = new Map<string, RTCPeerConnection>()
  /** upgraded inbound connections, closed with the listener */
  readonly #connections = new Set<Connection>()
  /** detaches this listener from its UDP mux (which outlives it: udp-mux.ts) */
  #release?: () => void
  #addr?: { host: string, port: number }

  constructor (components: WebRTCDirectTransportComponents, init: WebRTCTransportDirectInit,
    certificates: () => ListenerCertificate[], log: Logger) {
    super()
    this.#components = components
    this.#init = init
    this.#certificates = certificates
    this.#log = log
  }

  /** the transport renewed its certificate: the node re-reads this listener's addresses */
  certificatesChanged (): void {
    if (this.#addr != null) { this.safeDispatchEvent('listening') }
  }

  /** inbound handshakes in progress */
  get pendingConnections (): number {
    return this.#pending.size
  }

  async listen (ma: Multiaddr): Promise<void> {
    const addr = parseListenAddress(ma)
    if (addr == null) {
      throw new InvalidMultiaddrError(`${ma.toString()} is not /ip4|ip6/<ip>/udp/<port>/webrtc-direct`)
    }
    if (this.#release != null) { throw new InvalidParametersError('this listener already listens') }
    const port = addr.port === 0 ? await freeUdpPort(addr.host) : addr.port
    this.#release = acquireUdpMux(addr.host, port, (req) => { this.#onStunRequest(req) })
    this.#addr = { host: addr.host, port }
    this.safeDispatchEvent('listening')
  }

  getAddrs (): Multiaddr[] {
    if (this.#addr == null) { return [] }
    const { host, port } = this.#addr
    const ip = host.includes(':') ? 'ip6' : 'ip4'
    // per host, the served certificate's address first
    return interfaceHosts(host).flatMap(h => this.#certificates().map(c => multiaddr(`/${ip}/${h}/udp/${port}/webrtc-direct/certhash/${certhash(c.fingerprint)}`)))
  }

  /**
   * An announced `/ip4|ip6|dns…/<host>/udp/<port>/webrtc-direct` without a certhash (a public
   * address given to the node, which cannot know the certhash in advance, nor after a renewal)
   * becomes one address per announced certificate, the served one first
   */
  updateAnnounceAddrs (multiaddrs: Multiaddr[]): void {
    if (this.#addr == null) { return }
    const hashes = this.#certificates().map(c => certhash(c.fingerprint))
    for (let i = multiaddrs.length - 1; i >= 0; i--) {
      const parts = multiaddrs[i].getComponents()
      const at = parts.findIndex(p => p.name === 'webrtc-direct')
      if (at !== 2 || parts[1].name !== 'udp' || parts[at + 1]?.name === 'certhash') { continue }
      const head = multiaddr(parts.slice(0, at + 1))
      const tail = parts.slice(at + 1)
      const completed = hashes.map(h => head.encapsulate(`/certhash/${h}`).encapsulate(multiaddr(tail)))
      multiaddrs.splice(i, 1, ...completed)
    }
  }

  async close (options?: AbortOptions): Promise<void> {
    if (this.#release == null) { return }
    // new clients go unanswered from here on; the UDP socket stays bound (udp-mux.ts says why)
    this.#release()
    this.#release = undefined
    this.#addr = undefined
    for (const pc of this.#pending.values()) { pc.close() }
    this.#pending.clear()
    // like the TCP listener: the connections it accepted close with it, gracefully within a bound
    const reason = new AbortError('the listener closed')
    const { signal, done } = withTimeout(LISTENER_CLOSE_TIMEOUT_MS, 'closing the WebRTC-Direct listener\'s connections', options?.signal)
    try {
      await Promise.all([...this.#connections].map(async (connection) => {
        try {
          await connection.close({ signal })
        } catch {
          connection.abort(reason)
        }
      }))
    } finally {
      done()
    }
    this.#connections.clear()
    this.safeDispatchEvent('close')
  }

  #onStunRequest (req: StunRequest): void {
    const addr = this.#addr
    if (addr == null || req.ufrag == null || req.localUfrag == null || req.host == null || req.port == null) { return }
    const key = `${req.host}:${req.port}:${req.ufrag}`
    if (this.#pending.has(key)) { return }
    const max = this.#init.maxPendingConnections ?? MAX_PENDING_DIRECT_CONNECTIONS
    if (this.#pending.size >= max) {
      this.#log('ignoring WebRTC-Direct client %s: %d handshakes in progress', key, this.#pending.size)
      return
    }
    // this client's handshake stays on the certificate served now, even across a renewal
    const certificate = this.#certificates()[0]
    let native: NativePeerConnection
    try {
      native = new PeerConnection(`direct-listen-${pcCount++}`, {
        iceServers: [],
        disableAutoNegotiation: true,
        enableIceUdpMux: true,
        bindAddress: addr.host,
        portRangeBegin: addr.port,
        portRangeEnd: addr.port,
        disableFingerprintVerification: true,
        certificatePemFile: certificate.pem,
        keyPemFile: certificate.privateKey,
        maxMessageSize: MAX_MESSAGE_SIZE_BYTES
      })
    } catch (err: any) {
      this.#log('WebRTC-Direct client %s: no peer connection - %s', key, err.message)
      return
    }
    const pc = wrap(native)
    this.#pending.set(key, pc)
    const remoteAddr = multiaddr(`/${req.host.includes(':') ? 'ip6' : 'ip4'}/${req.host}/udp/${req.port}/webrtc-direct`)
    this.#accept(native, pc, { host: req.host, port: req.port, ufrag: req.ufrag, localUfrag: req.localUfrag }, remoteAddr, certificate.fingerprint)
      .then(connection => {
        if (this.#addr == null) {
          // the listener closed during the handshake
          connection.abort(new AbortError('the listener closed'))
          return
        }
        this.#connections.add(connection)
        connection.addEventListener('close', () => { this.#connections.delete(connection) }, { once: true })
        this.safeDispatchEvent('connection', { detail: connection })
      }, (err: any) => {
        this.#log('inbound WebRTC-Direct connection from %s failed - %s', key, err.message)
        pc.close()
        // a failed handshake or upgrade is the listener's non-fatal error, as on a socket listener
        if (this.#addr != null) { this.safeDispatchEvent('error', { detail: err }) }
      })
      .finally(() => { this.#pending.delete(key) })
  }

  async #accept (native: NativePeerConnection, pc: RTCPeerConnection, req: { host: string, port: number, ufrag: string, localUfrag: string }, remoteAddr: Multiaddr, localFingerprint: Uint8Array): Promise<Connection> {
    const timeoutMs = this.#init.inboundConnectionTimeout ?? SIGNALING_TIMEOUT_MS
    const { signal, done } = withTimeout(timeoutMs, `a WebRTC-Direct connection from ${remoteAddr.toString()}`)
    try {
      const early = new EarlyChannels(pc, this.#init.maxEarlyStreams)
      const channel0 = pc.createDataChannel('', { negotiated: true, id: 0 })
      // the fingerprint is not checked (disableFingerprintVerification): the Noise prologue binds the real one
      native.setRemoteDescription(inventedDescription({ host: req.host, port: req.port, ufrag: req.ufrag, fingerprint: new Uint8Array(32), role: 'listener-offer' }), 'offer')
      native.setLocalDescription('answer', { iceUfrag: req.localUfrag, icePwd: req.localUfrag })
      await channelOpen(pc, channel0, signal)
      const clientFingerprint = parseSdpFingerprint(native.remoteFingerprint().value)
      const stream = new DataChannelStream({ ...this.#init.dataChannel, id: 'noise', channel: channel0, direction: 'inbound', log: this.#log })
      // the server is the Noise initiator
      const encrypter = noise({ prologueBytes: noisePrologue(clientFingerprint, localFingerprint) })(this.#components)
      const secured = await encrypter.secureOutbound(stream, { signal })
      return await upgrade(this.#components.upgrader, this.#init, pc, early, remoteAddr, secured.remotePeer, 'inbound', signal, this.#log)
    } finally {
      done()
    }
  }
}

export function webRTCDirect (init: WebRTCTransportDirectInit = {}): (components: WebRTCDirectTransportComponents) => Transport {
  checkWebRTCDirectInit(init)
  return (components) => new WebRTCDirectTransport(components, init)
}
