import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { disabledLogger } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { circuitRelayTransport } from '../src/index.js'
import type { CircuitRelayTransportComponents } from '../src/index.js'

// the main entry loads in browsers too (this file runs in Chromium): no Node-only code in it
describe('circuitRelayTransport() address filters', () => {
  it('dials <relay>/p2p-circuit/p2p/<target> and listens on <relay>/p2p-circuit and /p2p-circuit (relay discovery), nothing else', async () => {
    const relay = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const target = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
    const components = { logger: { forComponent: () => disabledLogger() } } as unknown as CircuitRelayTransportComponents
    const transport = circuitRelayTransport()(components)
    const dialable = [
      `/ip4/127.0.0.1/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${target}`,
      `/dns4/relay.example/tcp/443/wss/p2p/${relay}/p2p-circuit/p2p/${target}`,
      `/p2p/${relay}/p2p-circuit/p2p/${target}`
    ]
    const listenable = [`/ip4/127.0.0.1/tcp/4001/p2p/${relay}/p2p-circuit`, `/p2p/${relay}/p2p-circuit`, '/p2p-circuit']
    const neither = [
      '/ip4/127.0.0.1/tcp/4001',
      `/ip4/127.0.0.1/tcp/4001/p2p/${relay}`,
      '/p2p-circuit/p2p-circuit',
      `/ip4/127.0.0.1/tcp/4001/p2p-circuit/p2p/${target}`,
      `/ip4/127.0.0.1/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${target}/p2p-circuit`
    ]
    const all = [...dialable, ...listenable, ...neither].map(a => multiaddr(a))
    expect(transport.dialFilter(all).map(String)).to.deep.equal(dialable)
    expect(transport.listenFilter(all).map(String)).to.deep.equal(listenable)
  })
})
