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
