// The browser node that both bundles are made of (bundle.mjs): the same source, bundled once
// against our packages (resolved from the repository's node_modules, i.e. packages/*/dist) and once
// against js-libp2p 3.3.11 and its modules (resolved from interop/js-peer/node_modules). It is what
// a page needs to dial a Node peer over WebSockets: webSockets + noise + yamux + identify + ping.
//
// Both stacks take the same init, so the pages (page-ours.mjs, page-js.mjs) pass the rest
// (nodeInfo, connectionGater, ...) to createBrowserNode().
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

export { multiaddr }

export async function createBrowserNode (init = {}) {
  return createLibp2p({
    ...init,
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() }
  })
}
