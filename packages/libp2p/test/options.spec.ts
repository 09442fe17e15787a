import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { plaintext } from '@libp2p/interface-compliance-tests/plaintext'
import { defaultLogger } from '@libp2p/logger'
import { memory } from '@libp2p/memory'
import { MemoryDatastore } from '@libp2p/peer-store'
import { expect } from 'aegir/chai'
import { createLibp2p } from '../src/index.js'
import type { Libp2pInit } from '../src/index.js'

/** the error createLibp2p(init) rejects with (the node is never started) */
async function refusal (init: Record<string, unknown>): Promise<Error | undefined> {
  try {
    const node = await createLibp2p({ start: false, ...init } as Libp2pInit)
    await node.stop()
  } catch (err: any) {
    return err
  }
  return undefined
}

describe('createLibp2p options', () => {
  it('accepts every documented option', async () => {
    const init: Libp2pInit<{ custom: unknown }> = {
      privateKey: await generateKeyPair('Ed25519'),
      nodeInfo: { name: 'test', version: '1.0.0', userAgent: 'test/1.0.0' },
      addresses: { listen: ['/memory/options-test'], announce: ['/ip4/1.2.3.4/tcp/4001'], noAnnounce: ['/ip4/127.0.0.1/tcp/4001'], observedAddressConfirmations: 2, maxObservedAddresses: 4 },
      transports: [memory()],
      connectionEncrypters: [plaintext()],
      streamMuxers: [yamux()],
      services: { custom: () => ({}) },
      peerDiscovery: [],
      connectionManager: {
        maxConnections: 10,
        maxConnectionsPerPeer: 2,
        maxIncomingPendingConnections: 2,
        inboundConnectionThreshold: 2,
        allow: ['10.0.0.0/8'],
        deny: ['/ip4/192.0.2.1'],
        reconnectRetries: 0,
        reconnectRetryInterval: 100,
        reconnectBackoffFactor: 1.5,
        inboundUpgradeTimeout: 1000,
        outboundUpgradeTimeout: 1000,
        inboundStreamProtocolNegotiationTimeout: 1000,
        outboundStreamProtocolNegotiationTimeout: 1000,
        maxParallelDials: 4,
        maxDialQueueLength: 4,
        maxPeerAddrsToDial: 4,
        dialTimeout: 1000,
        addressDialTimeout: 500
      },
      connectionMonitor: {
        enabled: true,
        pingInterval: 1000,
        pingTimeout: { minTimeout: 100, maxTimeout: 1000, deviations: 3, alpha: 0.5, warmupSamples: 1 },
        abortConnectionOnPingFailure: false,
        protocolPrefix: 'test'
      },
      transportManager: { failOnUnsupportedListenAddress: false },
      connectionGater: {
        denyDialPeer: () => false,
        filterMultiaddrForPeer: () => true,
        denyInboundRelayReservation: () => false,
        denyOutboundRelayedConnection: () => false,
        denyInboundRelayedConnection: () => false
      },
      datastore: new MemoryDatastore(),
      peerStore: { maxAddressesPerPeer: 8, maxProtocolsPerPeer: 8, maxMetadataPerPeer: 8, maxMetadataValueBytes: 64, maxTagsPerPeer: 8, addressTtlMs: 1000, cacheSize: 8 },
      logger: defaultLogger(),
      start: false
    }
    const node = await createLibp2p(init)
    expect(node.status).to.equal('stopped')
    await node.stop()
  })

  const refused: Array<[string, Record<string, unknown>, string]> = [
    ['an unknown key', { bogusOption: 1 }, 'bogusOption'],
    ['an unknown nested key', { connectionManager: { bogusOption: 1 } }, 'connectionManager.bogusOption'],
    ['a wrong type', { connectionManager: { maxConnections: '10' } }, 'connectionManager.maxConnections'],
    ['a value out of range', { connectionManager: { maxConnections: 0 } }, 'connectionManager.maxConnections'],
    ['a bad multiaddr', { addresses: { listen: ['/ip4/nope'] } }, 'addresses.listen[0]'],
    ['a service that is not a factory', { services: { ping: {} } }, 'services.ping'],
    ['a monitor timeout out of range', { connectionMonitor: { pingTimeout: { minTimeout: 0 } } }, 'connectionMonitor.pingTimeout.minTimeout'],
    ['a monitor minTimeout above maxTimeout', { connectionMonitor: { pingTimeout: { minTimeout: 2000, maxTimeout: 1000 } } }, 'connectionMonitor.pingTimeout'],
    ['a gater method that is not a function', { connectionGater: { denyDialPeer: true } }, 'connectionGater.denyDialPeer'],
    ['an unknown gater method', { connectionGater: { denyEverything: () => true } }, 'connectionGater.denyEverything'],
    ['a datastore that is not one', { datastore: {} }, 'datastore'],
    ['a js-libp2p option it lacks', { connectionManager: { addressSorter: () => 0 } }, 'connectionManager.addressSorter'],
    ['a js-libp2p adaptive timeout option', { connectionMonitor: { pingTimeout: { timeoutMultiplier: 2 } } }, 'connectionMonitor.pingTimeout.timeoutMultiplier'],
    ['a relay gater method that is not a function', { connectionGater: { denyInboundRelayReservation: true } }, 'connectionGater.denyInboundRelayReservation'],
    ['js-libp2p\'s faultTolerance', { transportManager: { faultTolerance: 1 } }, 'transportManager.faultTolerance']
  ]
  for (const [what, init, path] of refused) {
    it(`refuses ${what} (${path}) with InvalidParametersError naming it`, async () => {
      const err = await refusal(init)
      expect(err?.name).to.equal('InvalidParametersError')
      expect(err?.message).to.include(path)
    })
  }

  it('refuses metrics that is not a factory', async () => {
    const err = await refusal({ metrics: {} as any })
    expect(err?.name).to.equal('InvalidParametersError')
    expect(err?.message).to.include('metrics')
  })

  it('says what to use instead of a js-libp2p option it lacks', async () => {
    const err = await refusal({ addresses: { announceFilter: (a: unknown[]) => a } })
    expect(err?.message).to.include('does not support').and.to.include('addresses.noAnnounce')
  })
})
