import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_ROOM_POLL_MS, MAX_ROOM_NAME_CHARS } from './constants.js'
import { AppConfigError } from './errors.js'
import type { PrivateKey } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/**
 * What the page needs to know about the node that serves it, from `config.json` next to the page
 * (the node writes it) or from the URL (`?relay=<multiaddr>`, repeatable, wins over the file).
 */
export interface AppConfig {
  /** the node's WebSocket addresses, each ending in /p2p/<its peer id> */
  relay: Multiaddr[]
  /** STUN/TURN servers for the WebRTC connections between pages (none on loopback or a LAN) */
  iceServers: RTCIceServer[]
  /** how often the room's providers are looked up again, in ms */
  roomPollMs: number
  /** the node's identity (a terminal peer's key file); a fresh key when unset, as in a page */
  privateKey?: PrivateKey
}

/** the JSON the node serves as config.json (every field optional except `relay`) */
export interface AppConfigJson {
  relay?: string[]
  iceServers?: RTCIceServer[]
  roomPollMs?: number
}

export function parseConfig (json: AppConfigJson, params: URLSearchParams): AppConfig {
  const fromUrl = params.getAll('relay')
  const relay = (fromUrl.length > 0 ? fromUrl : json.relay ?? []).map(text => {
    let ma: Multiaddr
    try {
      ma = multiaddr(text)
    } catch (err: any) {
      throw new AppConfigError(`relay address ${text} does not parse: ${err.message}`)
    }
    if (ma.getComponents().at(-1)?.name !== 'p2p') { throw new AppConfigError(`relay address ${text} does not end in /p2p/<peer id>`) }
    return ma
  })
  if (relay.length === 0) { throw new AppConfigError('no relay address: config.json has no "relay" list and the URL no ?relay=') }
  const pollMs = Number(params.get('poll') ?? json.roomPollMs ?? DEFAULT_ROOM_POLL_MS)
  if (!Number.isSafeInteger(pollMs) || pollMs < 100) { throw new AppConfigError(`room poll interval ${pollMs} is not a whole number of ms >= 100`) }
  return { relay, iceServers: Array.isArray(json.iceServers) ? json.iceServers : [], roomPollMs: pollMs }
}

/** config.json beside the page (absent is fine when the URL names the relay) and the URL's settings */
export async function loadConfig (location: Location, signal: AbortSignal): Promise<AppConfig> {
  const params = new URLSearchParams(location.search)
  let json: AppConfigJson = {}
  const response = await fetch(new URL('config.json', location.href), { signal, cache: 'no-store' }).catch(() => undefined)
  if (response?.ok === true) {
    json = await response.json()
  } else if (!params.has('relay')) {
    throw new AppConfigError(`config.json could not be loaded (${response?.status ?? 'network error'}) and the URL has no ?relay=`)
  }
  return parseConfig(json, params)
}

/** the room in the URL's fragment (#room=<name>), if any */
export function roomFromUrl (location: Location): string | undefined {
  const room = new URLSearchParams(location.hash.slice(1)).get('room')
  return room == null || room === '' ? undefined : room.slice(0, MAX_ROOM_NAME_CHARS)
}
