import { AppConfigError } from './errors.js'

/** where the page keeps the person's own STUN/TURN servers (they win over config.json's) */
export const ICE_SERVERS_STORAGE_KEY = 'libp2p-rendezvous.iceServers'

/** the most ICE servers accepted (a browser tries them all while it gathers candidates) */
export const MAX_ICE_SERVERS = 8

const ICE_URL = /^(stun|stuns|turn|turns):/

/**
 * `text` as an RTCIceServer list: a JSON array of `{ urls, username?, credential? }` whose urls
 * are stun:, stuns:, turn: or turns: URLs. Throws AppConfigError saying what is wrong.
 */
export function parseIceServers (text: string): RTCIceServer[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err: any) {
    throw new AppConfigError(`the ICE servers are not JSON: ${err.message}`)
  }
  if (!Array.isArray(value)) { throw new AppConfigError('the ICE servers must be a JSON array') }
  if (value.length > MAX_ICE_SERVERS) { throw new AppConfigError(`at most ${MAX_ICE_SERVERS} ICE servers`) }
  return value.map((server, i) => {
    const urls = typeof server?.urls === 'string' ? [server.urls] : server?.urls
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every(u => typeof u === 'string' && ICE_URL.test(u))) {
      throw new AppConfigError(`ICE server ${i + 1}: "urls" must be stun:, stuns:, turn: or turns: URLs`)
    }
    for (const key of ['username', 'credential'] as const) {
      if (server[key] != null && typeof server[key] !== 'string') { throw new AppConfigError(`ICE server ${i + 1}: "${key}" must be a string`) }
    }
    return { urls, ...(server.username == null ? {} : { username: server.username }), ...(server.credential == null ? {} : { credential: server.credential }) }
  })
}

/** the person's own ICE servers from the page's storage, if they saved any that still parse */
export function storedIceServers (storage: Storage): RTCIceServer[] | undefined {
  const text = storage.getItem(ICE_SERVERS_STORAGE_KEY)
  if (text == null) { return undefined }
  try {
    return parseIceServers(text)
  } catch {
    return undefined
  }
}

// scheme, optional <user>:<password>@, host (a name, IPv4, or [IPv6]), optional port, optional
// RFC 7065 transport
const ICE_SERVER_URL = /^(stuns?|turns?):(?:([^@/?#\s]*)@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(\?transport=(?:udp|tcp))?$/

/**
 * One STUN/TURN server as a single URL, the form a command line or a node setting gives it:
 * `stun:<host>[:<port>]`, `turn:<host>[:<port>][?transport=udp|tcp]`, `stuns:`/`turns:` likewise.
 * A TURN server's credentials may ride in the URL as `turn:<username>:<password>@<host>...`
 * (percent-encoded where they hold `:`, `@` or `%`): RTCIceServer wants them apart, so they come
 * out as `username` and `credential` and the URL without them. Throws AppConfigError saying why.
 */
export function iceServerFromUrl (text: string): RTCIceServer {
  const m = ICE_SERVER_URL.exec(text)
  const port = m?.[4] == null ? undefined : Number(m[4])
  if (m == null || (port != null && (port < 1 || port > 65535))) {
    throw new AppConfigError(`ICE server "${text}" is not stun:, stuns:, turn: or turns: <host>[:<port>] (a TURN server may add <username>:<password>@ before the host)`)
  }
  const [, scheme, userinfo, host, , query = ''] = m
  if (userinfo == null) { return { urls: text } }
  if (scheme.startsWith('stun')) { throw new AppConfigError(`ICE server "${text}": a STUN server takes no credentials`) }
  const colon = userinfo.indexOf(':')
  if (colon < 1) { throw new AppConfigError(`ICE server "${text}": credentials go as <username>:<password>@ before the host`) }
  let username: string
  let credential: string
  try {
    username = decodeURIComponent(userinfo.slice(0, colon))
    credential = decodeURIComponent(userinfo.slice(colon + 1))
  } catch {
    throw new AppConfigError(`ICE server "${text}": the credentials are not valid percent-encoding`)
  }
  return { urls: `${scheme}:${host}${port == null ? '' : `:${port}`}${query}`, username, credential }
}
