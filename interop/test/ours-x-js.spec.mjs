// Our node (packages/libp2p with @libp2p/tcp, @chainsafe/libp2p-noise, @chainsafe/libp2p-yamux,
// @libp2p/identify, @libp2p/ping, from their dist) against js-libp2p 3.3.11 (interop/js-peer on
// Node 24), both directions, over TCP on 127.0.0.1 with Noise and Yamux. The cases are in
// matrix.mjs. Parts of our node that are not built yet are reported and their cases skipped:
// look for "SKIPPED" in the output.
import { spawnJsPeer } from './harness.mjs'
import { defineMatrix } from './matrix.mjs'
import { checkOurNode, startOurPeer } from './ours-peer.mjs'

describe('our node × js-libp2p 3.3.11 (tcp, noise, yamux)', function () {
  before(async function () {
    const { missing } = await checkOurNode()
    const gaps = Object.entries(missing).filter(([, why]) => why != null)
    if (gaps.length > 0) {
      console.log('      our node is incomplete; cases needing these parts will be skipped:')
      for (const [cap, why] of gaps) console.log(`        ${cap}: ${why}`)
    }
  })

  const unavailable = async () => (await checkOurNode()).missing.core

  defineMatrix({
    title: 'ours → js-libp2p (our node dials)',
    unavailable,
    dialer: () => startOurPeer({ name: 'ours-dialer' }),
    listener: () => spawnJsPeer({ name: 'js-listener' })
  })

  defineMatrix({
    title: 'js-libp2p → ours (js-libp2p dials)',
    unavailable,
    dialer: () => spawnJsPeer({ name: 'js-dialer' }),
    listener: () => startOurPeer({ name: 'ours-listener' })
  })
})
