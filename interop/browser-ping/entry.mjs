// The browser node of the chromium-ours and chromium-js interop dialers: interop/browser/entry.mjs's
// node (WebSockets, Noise, Yamux, identify, ping) plus WebRTC-Direct. A file of its own so the bundle
// size comparison of interop/browser keeps measuring the WebSockets-only node. Bundled once against
// our packages and once against js-libp2p 3.3.11 from interop/js-peer/node_modules (build.sh).
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

export { multiaddr }

export async function createBrowserNode (init = {}) {
  return createLibp2p({
    ...init,
    transports: [webSockets(), webRTCDirect()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() }
  })
}
