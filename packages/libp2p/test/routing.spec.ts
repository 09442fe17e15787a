// libp2p.peerRouting / libp2p.contentRouting / peer discovery as js-libp2p 3 exposes them: routers
// come from the peerRouters/contentRouters options and from services exposing js-libp2p's symbols.
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { contentRoutingSymbol, peerDiscoverySymbol, peerRoutingSymbol, serviceCapabilities, serviceDependencies, TypedEventEmitter } from '@libp2p/interface'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { CID } from 'multiformats/cid'
import { memoryNode, memoryNodesPerTest } from './fixtures.js'
import type { ContentRouting, PeerDiscoveryEvents, PeerId, PeerInfo, PeerRouting, Provider, RoutingOptions } from '@libp2p/interface'

const CID_A = CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')

async function newPeerId (): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

function info (id: PeerId, ...addrs: string[]): PeerInfo {
  return { id, multiaddrs: addrs.map(a => multiaddr(a)) }
}

async function collect<T> (source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of source) { out.push(x) }
  return out
}

describe('peer routing, content routing and discovery', () => {
  const node = memoryNodesPerTest()

  describe('peerRouting', () => {
    it('without routers: NoPeerRoutersError, as js-libp2p', async () => {
      const n = await node()
      await expect(n.peerRouting.findPeer(await newPeerId())).to.eventually.be.rejected.with.property('name', 'NoPeerRoutersError')
      await expect(collect(n.peerRouting.getClosestPeers(Uint8Array.of(1)))).to.eventually.be.rejected.with.property('name', 'NoPeerRoutersError')
    })

    it('findPeer for the node itself: QueriedForSelfError', async () => {
      const n = await node({ peerRouters: [() => ({ findPeer: async () => { throw new Error('not asked') } })] })
      await expect(n.peerRouting.findPeer(n.peerId)).to.eventually.be.rejected.with.property('name', 'QueriedForSelfError')
    })

    it('findPeer takes the first answer, aborts the other routers, and stores the addresses', async () => {
      const target = await newPeerId()
      let slowSignal: AbortSignal | undefined
      const slow: Partial<PeerRouting> = {
        findPeer: async (_id, options?: RoutingOptions) => {
          slowSignal = options?.signal
          return new Promise((_resolve, reject) => {
            options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) })
          })
        }
      }
      const failing: Partial<PeerRouting> = { findPeer: async () => { throw new Error('nothing here') } }
      const answering: Partial<PeerRouting> = { findPeer: async (id) => info(id, '/ip4/10.0.0.1/tcp/4001') }
      const n = await node({ peerRouters: [() => slow, () => failing, () => answering] })
      const found = await n.peerRouting.findPeer(target)
      expect(found.id.equals(target)).to.equal(true)
      expect(slowSignal?.aborted).to.equal(true)
      const stored = await n.peerStore.get(target)
      expect(stored.addresses.map(a => a.multiaddr.toString())).to.deep.equal(['/ip4/10.0.0.1/tcp/4001'])
    })

    it('findPeer when every router fails: NotFoundError; a caller abort wins', async () => {
      const n = await node({ peerRouters: [() => ({ findPeer: async () => { throw new Error('no') } })] })
      await expect(n.peerRouting.findPeer(await newPeerId())).to.eventually.be.rejected.with.property('name', 'NotFoundError')
      const controller = new AbortController()
      controller.abort(new Error('caller gave up'))
      await expect(n.peerRouting.findPeer(await newPeerId(), { signal: controller.signal }))
        .to.eventually.be.rejected.with.property('message', 'caller gave up')
    })

    it('getClosestPeers merges routers, yields each peer once, completes addressless peers with findPeer', async () => {
      const [p1, p2, p3, p4] = await Promise.all([newPeerId(), newPeerId(), newPeerId(), newPeerId()])
      const findAsked: string[] = []
      const r1: Partial<PeerRouting> = {
        async * getClosestPeers () { yield info(p1, '/ip4/10.0.0.1/tcp/1'); yield info(p2) },
        findPeer: async (id) => {
          findAsked.push(id.toString())
          if (id.equals(p2)) { return info(p2, '/ip4/10.0.0.2/tcp/2') }
          throw new Error('unknown')
        }
      }
      const r2: Partial<PeerRouting> = {
        async * getClosestPeers () { yield info(p1, '/ip4/10.0.0.1/tcp/1'); yield info(p3); yield info(p4, '/ip4/10.0.0.4/tcp/4') }
      }
      const n = await node({ peerRouters: [() => r1, () => r2] })
      const peers = await collect(n.peerRouting.getClosestPeers(Uint8Array.of(1, 2, 3)))
      const ids = peers.map(p => p.id.toString()).sort()
      expect(ids).to.deep.equal([p1, p2, p4].map(String).sort())
      expect(peers.every(p => p.multiaddrs.length > 0)).to.equal(true)
      expect(findAsked.sort()).to.deep.equal([p2, p3].map(String).sort())
      expect((await n.peerStore.get(p2)).addresses).to.have.length(1)
    })

    it('a service exposing peerRoutingSymbol becomes a router', async () => {
      const target = await newPeerId()
      const n = await node({
        services: { router: () => ({ [peerRoutingSymbol]: { findPeer: async (id: PeerId) => info(id, '/ip4/10.0.0.9/tcp/9') } }) }
      })
      expect((await n.peerRouting.findPeer(target)).multiaddrs.map(String)).to.deep.equal(['/ip4/10.0.0.9/tcp/9'])
    })
  })

  describe('contentRouting', () => {
    it('without routers: NoContentRoutersError', async () => {
      const n = await node()
      await expect(n.contentRouting.provide(CID_A)).to.eventually.be.rejected.with.property('name', 'NoContentRoutersError')
      await expect(n.contentRouting.get(Uint8Array.of(1))).to.eventually.be.rejected.with.property('name', 'NoContentRoutersError')
    })

    it('put/get need a started node (NotStartedError)', async () => {
      const n = await node({ start: false, contentRouters: [() => ({ put: async () => {}, get: async () => Uint8Array.of(1) })] })
      await expect(n.contentRouting.put(Uint8Array.of(1), Uint8Array.of(2))).to.eventually.be.rejected.with.property('name', 'NotStartedError')
      await n.start()
      expect(await n.contentRouting.get(Uint8Array.of(1))).to.deep.equal(Uint8Array.of(1))
    })

    it('provide and put reach every router; get takes the first value; findProviders yields each provider once', async () => {
      const [p1, p2] = await Promise.all([newPeerId(), newPeerId()])
      const provided: string[] = []
      const stored: string[] = []
      const router = (name: string, value?: Uint8Array, providers: PeerInfo[] = []): Partial<ContentRouting> => ({
        provide: async (cid) => { provided.push(`${name}:${cid.toString()}`) },
        put: async (key) => { stored.push(`${name}:${key.length}`) },
        get: async () => {
          if (value == null) { throw new Error(`${name} has no value`) }
          return value
        },
        async * findProviders () {
          for (const p of providers) { yield { ...p, routing: name } satisfies Provider }
        }
      })
      const n = await node({
        contentRouters: [() => router('a', undefined, [info(p1, '/ip4/10.0.0.1/tcp/1')])],
        services: { dht: () => ({ [contentRoutingSymbol]: router('b', Uint8Array.of(5), [info(p1, '/ip4/10.0.0.1/tcp/1'), info(p2, '/ip4/10.0.0.2/tcp/2')]) }) }
      })
      await n.contentRouting.provide(CID_A)
      expect(provided.sort()).to.deep.equal([`a:${CID_A.toString()}`, `b:${CID_A.toString()}`])
      await n.contentRouting.put(Uint8Array.of(1, 2), Uint8Array.of(3))
      expect(stored.sort()).to.deep.equal(['a:2', 'b:2'])
      expect(await n.contentRouting.get(Uint8Array.of(1, 2))).to.deep.equal(Uint8Array.of(5))
      const providers = await collect(n.contentRouting.findProviders(CID_A))
      expect(providers.map(p => p.id.toString()).sort()).to.deep.equal([p1, p2].map(String).sort())
      expect((await n.peerStore.get(p2)).addresses).to.have.length(1)
    })

    it('get when no router has the value rejects with AggregateError of their errors, as js-libp2p', async () => {
      const n = await node({ contentRouters: [() => ({ get: async () => { throw new Error('none') } })] })
      const err = await n.contentRouting.get(Uint8Array.of(1)).then(() => undefined, (e: unknown) => e)
      expect(err).to.be.instanceOf(AggregateError)
      expect((err as AggregateError).errors[0]).to.have.property('message', 'none')
    })
  })

  describe('peer discovery', () => {
    function discoveryModule (): TypedEventEmitter<PeerDiscoveryEvents> & { [Symbol.toStringTag]: string } {
      return Object.assign(new TypedEventEmitter<PeerDiscoveryEvents>(), { [Symbol.toStringTag]: 'test-discovery' })
    }

    it('a discovered peer lands in the peer store, and peer:discovery fires once however many modules found it', async () => {
      const fromOption = discoveryModule()
      const fromService = discoveryModule()
      const n = await node({
        peerDiscovery: [() => fromOption],
        services: { finder: () => ({ [peerDiscoverySymbol]: fromService }) }
      })
      const peer = await newPeerId()
      const seen: PeerInfo[] = []
      n.addEventListener('peer:discovery', (evt) => { seen.push(evt.detail) })
      const first = new Promise(resolve => { n.addEventListener('peer:discovery', resolve, { once: true }) })
      fromOption.safeDispatchEvent('peer', { detail: info(peer, '/ip4/10.0.0.1/tcp/1') })
      await first
      const updated = new Promise(resolve => { n.addEventListener('peer:update', resolve, { once: true }) })
      fromService.safeDispatchEvent('peer', { detail: info(peer, '/ip4/10.0.0.2/tcp/2') })
      await updated
      expect(seen.map(p => p.id.toString())).to.deep.equal([peer.toString()])
      expect(seen[0].multiaddrs.map(String)).to.deep.equal(['/ip4/10.0.0.1/tcp/1'])
      expect((await n.peerStore.get(peer)).addresses).to.have.length(2)
    })

    it('a module that reports this node itself is ignored', async () => {
      const module = discoveryModule()
      const n = await node({ peerDiscovery: [() => module] })
      const other = await newPeerId()
      const stored = new Promise(resolve => { n.addEventListener('peer:discovery', resolve, { once: true }) })
      module.safeDispatchEvent('peer', { detail: info(n.peerId, '/ip4/10.0.0.1/tcp/1') })
      module.safeDispatchEvent('peer', { detail: info(other, '/ip4/10.0.0.3/tcp/3') })
      await stored
      // events are handled in order: the self report came first and added no address of ours
      const self = await n.peerStore.get(n.peerId).catch(() => undefined)
      expect(self?.addresses.map(a => a.multiaddr.toString()) ?? []).to.not.include('/ip4/10.0.0.1/tcp/1')
    })
  })

  describe('service dependencies', () => {
    it('refuses a service whose serviceDependencies no component provides', async () => {
      await expect(memoryNode({
        services: { needy: () => ({ [Symbol.toStringTag]: 'needy', [serviceDependencies]: ['@libp2p/something'] }) }
      })).to.eventually.be.rejected.with.property('name', 'UnmetServiceDependenciesError')
    })

    it('accepts it when another service provides the capability', async () => {
      await node({
        services: {
          provider: () => ({ [serviceCapabilities]: ['@libp2p/something'] }),
          needy: () => ({ [serviceDependencies]: ['@libp2p/something'] })
        }
      })
    })
  })

  describe('getPublicKey', () => {
    it('returns the key embedded in an Ed25519 peer id without asking the network', async () => {
      const n = await node()
      const key = await generateKeyPair('Ed25519')
      const id = peerIdFromPrivateKey(key)
      expect((await n.getPublicKey(id)).equals(key.publicKey)).to.equal(true)
    })

    it('fetches a key an id only hashes (ECDSA) from content routing under /pk/<multihash>, checks it and stores it', async () => {
      const key = await generateKeyPair('ECDSA')
      const id = peerIdFromPrivateKey(key)
      const wrong = await generateKeyPair('ECDSA')
      const asked: Uint8Array[] = []
      let answer = publicKeyToProtobuf(wrong.publicKey)
      const n = await node({ contentRouters: [() => ({ get: async (k: Uint8Array) => { asked.push(k); return answer } })] })
      const bare = peerIdFromString(id.toString())
      await expect(n.getPublicKey(bare)).to.eventually.be.rejected.with.property('name', 'InvalidPublicKeyError')
      answer = publicKeyToProtobuf(key.publicKey)
      expect((await n.getPublicKey(bare)).equals(key.publicKey)).to.equal(true)
      expect(new TextDecoder().decode(asked[0].subarray(0, 4))).to.equal('/pk/')
      expect(asked[0].subarray(4)).to.deep.equal(id.toMultihash().bytes)
      // now known to the peer store: no second network lookup
      await n.getPublicKey(bare)
      expect(asked).to.have.length(2)
    })
  })
})
