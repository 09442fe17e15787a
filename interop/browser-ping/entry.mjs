// The browser node of the chromium-ours and chromium-js interop peers: interop/browser/entry.mjs's
// node (WebSockets, Noise, Yamux, identify, ping) plus WebRTC-Direct, and private-to-private WebRTC
// with the circuit relay transport it signals over. A file of its own so the bundle
// size comparison of interop/browser keeps measuring the WebSockets-only node. Bundled once against
// our packages and once against js-libp2p 3.3.11 from interop/js-peer/node_modules (build.sh).
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webRTC, webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

export { multiaddr }

export async function createBrowserNode (init = {}) {
  return createLibp2p({
    ...init,
    // no STUN server: every peer is on this machine, and an unreachable one only slows gathering
    transports: [webSockets(), webRTCDirect(), webRTC({ rtcConfiguration: { iceServers: [] } }), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() }
  })
}
