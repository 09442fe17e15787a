// Node: node-datachannel's W3C polyfill (libdatachannel). The browser build uses the native one (rtc.browser.ts).
import { PeerConnection } from 'node-datachannel'
import { RTCPeerConnection as PolyfillPeerConnection } from 'node-datachannel/polyfill'
import { withOpenFix } from './lost-open.js'

let count = 0

/** the W3C ICE servers as libdatachannel's URLs (TURN credentials inside the URL), as the polyfill makes them */
function nativeIceUrls (servers: RTCIceServer[] = []): string[] {
  return servers.flatMap(server => {
    const urls = typeof server.urls === 'string' ? [server.urls] : server.urls
    return urls.map(url => {
      if (server.username == null || server.username === '' || server.credential == null || server.credential === '') { return url }
      const colon = url.indexOf(':')
      return `${url.slice(0, colon)}:${server.username}:${server.credential}@${url.slice(colon + 1)}`
    })
  })
}

/** a W3C RTCPeerConnection */
export function createPeerConnection (config: RTCConfiguration = {}): RTCPeerConnection {
  // the native connection is made here, not by the polyfill, so that its channels can be given
  // the open fix (lost-open.ts); the polyfill passes the same fields when it makes one
  const native = new PeerConnection(`peer-${++count}`, {
    ...config,
    iceServers: nativeIceUrls(config.iceServers)
  } as unknown as ConstructorParameters<typeof PeerConnection>[1])
  // the polyfill's types differ in details from lib.dom's; it implements the same API
  return new PolyfillPeerConnection({ ...config, peerConnection: withOpenFix(native) } as any) as unknown as RTCPeerConnection
}
