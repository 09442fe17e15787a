// Node only: the WebRTC-Direct listener's certificate over time, kept in the node's datastore.
import { MAX_TIMER_MS } from '@libp2p/utils'
import { Key } from 'interface-datastore'
import { generateCertificate, readCertificate } from './certificate.js'
import type { ListenerCertificate } from './certificate.js'
import type { Logger } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'

/**
 * Time as the certificate renewal sees it (`certificateClock`, not a js-libp2p option): tests pass
 * one they advance by hand; the default is Date.now and setTimeout.
 */
export interface CertificateClock {
  /** ms since the epoch */
  now(): number
  /** calls `fn` once `ms` have passed on this clock; the returned function cancels it */
  setTimer(fn: () => void, ms: number): () => void
}

/** Date.now and unref'd timers (a renewal due in weeks does not keep the process alive); waits beyond setTimeout's range are taken in steps */
export const systemClock: CertificateClock = {
  now: () => Date.now(),
  setTimer (fn, ms) {
    const due = Date.now() + ms
    let timer: ReturnType<typeof setTimeout>
    const arm = (): void => {
      timer = setTimeout(() => { Date.now() >= due ? fn() : arm() }, Math.min(Math.max(due - Date.now(), 0), MAX_TIMER_MS))
      timer.unref?.()
    }
    arm()
    return () => { clearTimeout(timer) }
  }
}

export interface CertificateStoreInit {
  /** where the pair is kept; undefined: in memory only (a new certificate on every start) */
  datastore?: Datastore
  datastoreKey: string
  /** how long a generated certificate is valid, ms */
  lifespan: number
  /** the certificate in use is replaced this long before it expires, ms */
  renewalThreshold: number
  clock: CertificateClock
  log: Logger
}

/** the stored form: the X.509 certificate then its PKCS #8 key, both PEM */
function encode (cert: ListenerCertificate): Uint8Array {
  return new TextEncoder().encode(cert.pem + cert.privateKey)
}

function decode (bytes: Uint8Array): ListenerCertificate | undefined {
  const text = new TextDecoder().decode(bytes)
  const block = (label: string): string | undefined => text.match(new RegExp(`-----BEGIN ${label}-----[^-]+-----END ${label}-----\\n?`))?.[0]
  const pem = block('CERTIFICATE')
  const privateKey = block('PRIVATE KEY')
  return pem == null || privateKey == null ? undefined : readCertificate(pem, privateKey)
}

/**
 * The listener's certificates: the one served now (`current`) and, from shortly before it is
 * replaced, its successor (`next`), both kept in the datastore so a restart serves the same
 * certhash. A WebRTC-Direct listener cannot tell which certhash a dialer holds (nothing in the
 * spec's handshake carries it), so one certificate is served at a time. To let addresses that
 * peers cache carry the coming certhash, the successor is made and announced
 * `min(renewalThreshold, (lifespan - renewalThreshold) / 2)` before the switch; the switch
 * happens `renewalThreshold` before the current certificate expires (js-libp2p's
 * certificateRenewalThreshold), and from then on only the new certhash is announced.
 */
export class CertificateStore {
  readonly #init: CertificateStoreInit
  readonly #key: Key
  readonly #nextKey: Key
  readonly #onChange: () => void
  #current?: ListenerCertificate
  #next?: ListenerCertificate
  #cancel?: () => void
  #running = false
  /** datastore writes and renewals, one at a time */
  #queue: Promise<void> = Promise.resolve()

  constructor (init: CertificateStoreInit, onChange: () => void) {
    this.#init = init
    this.#key = new Key(init.datastoreKey)
    this.#nextKey = new Key(`${init.datastoreKey}/next`)
    this.#onChange = onChange
  }

  /** the certificate served now (start() must have resolved) */
  get current (): ListenerCertificate | undefined {
    return this.#current
  }

  /** what the listener announces: the served certificate, then its successor once there is one */
  get announced (): ListenerCertificate[] {
    return [this.#current, this.#next].filter((c): c is ListenerCertificate => c != null)
  }

  /** loads the stored pair (replacing what cannot serve until the next switch), then schedules the renewals */
  async start (): Promise<void> {
    this.#running = true
    if (this.#init.datastore != null) {
      this.#current = await this.#load(this.#key)
      this.#next = await this.#load(this.#nextKey)
    }
    await this.#advance()
  }

  stop (): void {
    this.#running = false
    this.#cancel?.()
    this.#cancel = undefined
  }

  async #load (key: Key): Promise<ListenerCertificate | undefined> {
    let bytes
    try {
      bytes = await this.#init.datastore?.get(key)
    } catch (err: any) {
      if (err.name === 'NotFoundError') { return undefined }
      throw err
    }
    const cert = bytes == null ? undefined : decode(bytes)
    if (cert == null) { this.#init.log('the stored WebRTC-Direct certificate under %s is unusable, making a new one', key.toString()) }
    return cert
  }

  #switchAt (cert: ListenerCertificate): number {
    return cert.expires - this.#init.renewalThreshold
  }

  #announceNextAt (cert: ListenerCertificate): number {
    const { lifespan, renewalThreshold } = this.#init
    return this.#switchAt(cert) - Math.min(renewalThreshold, (lifespan - renewalThreshold) / 2)
  }

  #generate (): ListenerCertificate {
    return generateCertificate(this.#init.lifespan, this.#init.clock.now())
  }

  async #put (key: Key, cert: ListenerCertificate | undefined): Promise<void> {
    const datastore = this.#init.datastore
    if (datastore == null) { return }
    await (cert == null ? datastore.delete(key) : datastore.put(key, encode(cert)))
  }

  /** brings current and next up to the clock, stores what changed, and schedules the next step; true if anything changed */
  async #advance (): Promise<boolean> {
    const now = this.#init.clock.now()
    let changed = false
    if (this.#current == null || now >= this.#switchAt(this.#current)) {
      const next = this.#next != null && now < this.#switchAt(this.#next) ? this.#next : this.#generate()
      this.#init.log('WebRTC-Direct certificate %s until %s', this.#current == null ? 'made' : 'renewed', new Date(next.expires).toISOString())
      this.#current = next
      this.#next = undefined
      await this.#put(this.#key, this.#current)
      await this.#put(this.#nextKey, undefined)
      changed = true
    }
    if (this.#next == null && now >= this.#announceNextAt(this.#current)) {
      this.#next = this.#generate()
      this.#init.log('WebRTC-Direct certificate: its successor is announced until the switch at %s', new Date(this.#switchAt(this.#current)).toISOString())
      await this.#put(this.#nextKey, this.#next)
      changed = true
    }
    const due = this.#next == null ? this.#announceNextAt(this.#current) : this.#switchAt(this.#current)
    this.#cancel?.()
    if (this.#running) { this.#cancel = this.#init.clock.setTimer(() => { this.#step() }, Math.max(due - now, 0)) }
    return changed
  }

  #step (): void {
    this.#queue = this.#queue.then(async () => {
      if (!this.#running) { return }
      if (await this.#advance()) { this.#onChange() }
    }).catch((err: any) => {
      // the certificate in use keeps serving; the next timer (or restart) tries again
      this.#init.log.error('renewing the WebRTC-Direct certificate failed - %e', err)
      if (!this.#running) { return }
      this.#cancel = this.#init.clock.setTimer(() => { this.#step() }, Math.min(this.#init.renewalThreshold / 10, 60_000))
    })
  }
}
