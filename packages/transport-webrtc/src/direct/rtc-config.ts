import { InvalidParametersError } from '@libp2p/interface'
import type { IceServer, PeerConnection } from 'node-datachannel'

type RtcConfig = ConstructorParameters<typeof PeerConnection>[1]

/** the default ports of RFC 7064 / RFC 7065 */
const STUN_PORT = 3478
const TURNS_PORT = 5349

/** one `stun:`, `turn:` or `turns:` URL as node-datachannel's IceServer object (so credentials need no escaping) */
function nativeIceServer (url: string, username: string | undefined, credential: string | undefined): IceServer {
  const match = /^(stuns?|turns?):(\[[0-9a-fA-F:.]+\]|[^:?[\]/@]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/.exec(url.trim())
  if (match == null) {
    throw new InvalidParametersError(`rtcConfiguration.iceServers: ${JSON.stringify(url)} is not stun:|turn:|turns:<host>[:<port>][?transport=udp|tcp]`)
  }
  const [, scheme, rawHost, rawPort, transport] = match
  const hostname = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost
  const defaultPort = scheme.endsWith('s') ? TURNS_PORT : STUN_PORT
  const port = rawPort != null ? Number(rawPort) : defaultPort
  if (port < 1 || port > 65535) {
    throw new InvalidParametersError(`rtcConfiguration.iceServers: ${url} has port ${port}`)
  }
  if (scheme === 'stuns') {
    throw new InvalidParametersError(`rtcConfiguration.iceServers: ${url}: node-datachannel has no STUN over TLS`)
  }
  if (scheme === 'stun') {
    if (transport != null) { throw new InvalidParametersError(`rtcConfiguration.iceServers: ${url}: STUN takes no transport`) }
    return { hostname, port }
  }
  if (username == null || username === '' || credential == null || credential === '') {
    throw new InvalidParametersError(`rtcConfiguration.iceServers: ${url} needs a username and a credential`)
  }
  let relayType: IceServer['relayType'] = transport === 'tcp' ? 'TurnTcp' : 'TurnUdp'
  if (scheme === 'turns') { relayType = 'TurnTls' }
  return { hostname, port, username, password: credential, relayType }
}

/** the parts of an RTCConfiguration node-datachannel has: its ICE servers and transport policy */
export function nativeRtcConfig (config: RTCConfiguration): Pick<RtcConfig, 'iceServers' | 'iceTransportPolicy'> {
  const iceServers: IceServer[] = []
  if (config.iceServers != null && !Array.isArray(config.iceServers)) {
    throw new InvalidParametersError('rtcConfiguration.iceServers is not an array')
  }
  for (const server of config.iceServers ?? []) {
    const urls = typeof server?.urls === 'string' ? [server.urls] : server?.urls
    if (!Array.isArray(urls) || urls.length === 0 || urls.some(u => typeof u !== 'string')) {
      throw new InvalidParametersError('rtcConfiguration.iceServers: each server needs urls (a string or a non-empty array of strings)')
    }
    for (const url of urls) {
      iceServers.push(nativeIceServer(url, server.username, server.credential))
    }
  }
  // libdatachannel applies 'relay' only to the candidates it signals, and a WebRTC-Direct dial
  // signals none: its host candidates would still connect, so 'relay' is refused, not ignored
  const policy = config.iceTransportPolicy ?? 'all'
  if (policy !== 'all') {
    throw new InvalidParametersError(`rtcConfiguration.iceTransportPolicy ${String(policy)} cannot be honoured by the Node WebRTC-Direct dialer (only all)`)
  }
  return { iceServers, iceTransportPolicy: policy }
}
