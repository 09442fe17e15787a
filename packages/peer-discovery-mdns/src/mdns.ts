import { InvalidParametersError, TypedEventEmitter, peerDiscoverySymbol, serviceCapabilities } from '@libp2p/interface'
import multicastDNS from 'multicast-dns'
import {
  DEFAULT_INTERVAL_MS, DEFAULT_MULTICAST_IP, DEFAULT_PORT, DEFAULT_SERVICE_TAG, MAX_PEER_NAME_LENGTH, MIN_RESPONSE_INTERVAL_MS
} from './constants.js'
import { randomPeerName } from './peer-name.js'
import { asksForService, peerFromResponse, responseRecords } from './response.js'
import type { MulticastDNSComponents, MulticastDNSInit } from './init.js'
import type { ReceivedRecord, ReceivedResponse } from './response.js'
import type { Logger, PeerDiscovery, PeerDiscoveryEvents, Startable } from '@libp2p/interface'

/**
 * Finds peers on the local network with multicast DNS, as js-libp2p's `@libp2p/mdns` does (same
 * service, record layout and options, so each finds the other): it queries for the service every
 * `interval` ms, answers others' queries with this node's LAN addresses, and emits a `peer` event
 * for each response that names another peer.
 */
export class MulticastDNS extends TypedEventEmitter<PeerDiscoveryEvents> implements PeerDiscovery, Startable {
  readonly [peerDiscoverySymbol] = this
  readonly [Symbol.toStringTag] = '@libp2p/mdns'
  readonly [serviceCapabilities]: string[] = ['@libp2p/peer-discovery']

  readonly #components: MulticastDNSComponents
  readonly #log: Logger
  readonly #broadcast: boolean
  readonly #interval: number
  readonly #serviceTag: string
  readonly #peerName: string
  readonly #port: number
  readonly #ip: string
  #mdns?: multicastDNS.MulticastDNS
  #queryTimer?: ReturnType<typeof setInterval>
  #responseTimer?: ReturnType<typeof setTimeout>
  #lastResponseAt = -Infinity

  constructor (components: MulticastDNSComponents, init: MulticastDNSInit = {}) {
    super()
    this.#components = components
    this.#log = components.logger.forComponent('libp2p:mdns')
    this.#broadcast = init.broadcast !== false
    this.#interval = init.interval ?? DEFAULT_INTERVAL_MS
    this.#serviceTag = init.serviceTag ?? DEFAULT_SERVICE_TAG
    this.#peerName = init.peerName ?? randomPeerName()
    this.#port = init.port ?? DEFAULT_PORT
    this.#ip = init.ip ?? DEFAULT_MULTICAST_IP
    if (this.#peerName.length === 0 || this.#peerName.length > MAX_PEER_NAME_LENGTH || this.#peerName.includes('.')) {
      throw new InvalidParametersError(`mdns peerName must be one DNS label of 1 to ${MAX_PEER_NAME_LENGTH} characters without dots`)
    }
  }

  isStarted (): boolean {
    return this.#mdns != null
  }

  start (): void {
    if (this.#mdns != null) { return }
    const mdns = this.#mdns = multicastDNS({ port: this.#port, ip: this.#ip })
    mdns.on('query', (query) => { this.#onQuery(query) })
    mdns.on('response', (response) => { this.#onResponse(response as ReceivedResponse) })
    // undecodable packets and per-interface membership failures arrive as warnings
    mdns.on('warning', (err: Error) => { this.#log('mdns warning - %e', err) })
    mdns.on('error', (err: Error) => { this.#log.error('mdns socket error - %e', err) })
    this.#query()
    this.#queryTimer = setInterval(() => { this.#query() }, this.#interval)
  }

  async stop (): Promise<void> {
    const mdns = this.#mdns
    if (mdns == null) { return }
    this.#mdns = undefined
    clearInterval(this.#queryTimer)
    clearTimeout(this.#responseTimer)
    this.#queryTimer = this.#responseTimer = undefined
    mdns.removeAllListeners()
    // a socket that failed to bind still closes; errors while leaving the group are moot
    mdns.on('error', () => {})
    await new Promise<void>(resolve => { mdns.destroy(() => { resolve() }) })
  }

  #query (): void {
    this.#mdns?.query({ questions: [{ name: this.#serviceTag, type: 'PTR' }] }, (err: Error | null) => {
      if (err != null) { this.#log('could not send the mDNS query - %e', err) }
    })
  }

  #onQuery (query: { questions?: readonly ReceivedRecord[] }): void {
    if (!this.#broadcast || !asksForService(query.questions, this.#serviceTag)) { return }
    if (this.#responseTimer != null) { return }
    const wait = this.#lastResponseAt + MIN_RESPONSE_INTERVAL_MS - Date.now()
    if (wait <= 0) {
      this.#respond()
      return
    }
    this.#responseTimer = setTimeout(() => {
      this.#responseTimer = undefined
      this.#respond()
    }, wait)
  }

  #respond (): void {
    const mdns = this.#mdns
    if (mdns == null) { return }
    const answers = responseRecords(this.#peerName, this.#serviceTag, this.#components.addressManager.getAddresses())
    if (answers.length === 0) {
      this.#log.trace('no LAN address to announce')
      return
    }
    this.#lastResponseAt = Date.now()
    mdns.respond({ answers }, (err: Error | null) => {
      if (err != null) { this.#log('could not send the mDNS response - %e', err) }
    })
  }

  #onResponse (response: ReceivedResponse): void {
    const peer = peerFromResponse(response, this.#serviceTag, `${this.#peerName}.${this.#serviceTag}`)
    if (peer == null || peer.multiaddrs.length === 0) { return }
    this.#log('discovered %p with %d addresses', peer.id, peer.multiaddrs.length)
    this.safeDispatchEvent('peer', { detail: peer })
  }
}
