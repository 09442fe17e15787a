import { InvalidParametersError } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { createNode, nextEvent } from '@libp2p/test-fixtures'
import { expect } from 'aegir/chai'
import { bootstrap } from '../src/index.js'
import type { BootstrapInit } from '../src/index.js'
import type { Connection, ConnectionManager, PeerId, PeerInfo, Startable } from '@libp2p/interface'
import type { Libp2p } from 'libp2p'

const events = (node: Libp2p<any>): EventTarget => node as unknown as EventTarget

describe('bootstrap', () => {
  const nodes: Array<Libp2p<any>> = []
  const track = async (node: Promise<Libp2p<any>>): Promise<Libp2p<any>> => { const n = await node; nodes.push(n); return n }

  afterEach(async () => {
    await Promise.all(nodes.splice(0).map(async n => n.stop()))
  })

  it('discovers, tags and connects to the listed peers after the timeout', async () => {
    const b1 = await track(createNode())
    const b2 = await track(createNode())
    const list = [b1, b2].map(b => b.getMultiaddrs()[0].toString())
    const node = await track(createNode({
      peerDiscovery: [bootstrap({ list, timeout: 10, tagName: 'boot', tagValue: 7 })]
    }))
    const discovered = new Set<string>()
    const connected = new Set<string>()
    await Promise.all([
      nextEvent<PeerInfo>(events(node), 'peer:discovery', info => { discovered.add(info.id.toString()); return discovered.size === 2 }),
      nextEvent<PeerId>(events(node), 'peer:connect', id => { connected.add(id.toString()); return connected.size === 2 })
    ])
    for (const b of [b1, b2]) {
      expect(discovered.has(b.peerId.toString())).to.equal(true)
      expect(node.getConnections(b.peerId)).to.have.lengthOf(1)
      const peer = await node.peerStore.get(b.peerId)
      expect(peer.tags.get('boot')?.value).to.equal(7)
      const listed = b.getMultiaddrs()[0].decapsulateCode(421).toString()
      expect(peer.addresses.some(a => a.multiaddr.toString().startsWith(listed))).to.equal(true)
    }
  })

  it('tags with js-libp2p\'s defaults: "bootstrap", value 50', async () => {
    const b = await track(createNode())
    const node = await track(createNode({ peerDiscovery: [bootstrap({ list: [b.getMultiaddrs()[0].toString()], timeout: 0 })] }))
    await nextEvent<PeerId>(events(node), 'peer:connect', id => id.equals(b.peerId))
    const peer = await node.peerStore.get(b.peerId)
    expect(peer.tags.get('bootstrap')?.value).to.equal(50)
  })

  describe('construction', () => {
    const components = (): any => ({ peerStore: {}, logger: defaultLogger(), connectionManager: {} })
    const cases: Array<[string, unknown]> = [
      ['an empty list', []],
      ['a missing list', undefined],
      ['a non-multiaddr entry', ['not a multiaddr']],
      ['an address without /p2p/', ['/ip4/192.0.2.1/tcp/4001']],
      ['a /p2p/ that is not last', ['/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq/p2p-circuit']],
      ['a bad peer id', ['/ip4/192.0.2.1/tcp/4001/p2p/QmNotAPeerId']],
      ['a non-string entry', [42]]
    ]
    for (const [what, list] of cases) {
      it(`throws InvalidParametersError for ${what}`, () => {
        const init = { list } as unknown as BootstrapInit
        expect(() => bootstrap(init)(components())).to.throw().with.property('name', InvalidParametersError.name)
      })
    }

    it('refuses a bad list in createLibp2p, before the node starts', async () => {
      await expect(createNode({ peerDiscovery: [bootstrap({ list: ['/ip4/192.0.2.1/tcp/4001'] })] }))
        .to.eventually.be.rejected.with.property('name', InvalidParametersError.name)
    })

    it('has js-libp2p\'s tag and capability', () => {
      const d = bootstrap({ list: ['/ip4/192.0.2.1/tcp/4001/p2p/12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq'] })(components())
      expect(Object.prototype.toString.call(d)).to.equal('[object @libp2p/bootstrap]')
      expect((d as any)[Symbol.for('@libp2p/service-capabilities')]).to.deep.equal(['@libp2p/peer-discovery'])
      expect((d as any)[Symbol.for('@libp2p/peer-discovery')]).to.equal(d)
    })
  })

  it('announces nothing once stopped before the timeout', async () => {
    const host = await track(createNode())
    const b = await track(createNode())
    const dialled: PeerId[] = []
    const connectionManager = {
      openConnection: async (peer: PeerId) => { dialled.push(peer); return {} as unknown as Connection }
    } as unknown as ConnectionManager
    const list = [b.getMultiaddrs()[0].toString()]
    const stopped = bootstrap({ list, timeout: 0 })({ peerStore: host.peerStore, logger: defaultLogger(), connectionManager }) as unknown as Startable & EventTarget
    const running = bootstrap({ list, timeout: 0 })({ peerStore: host.peerStore, logger: defaultLogger(), connectionManager }) as unknown as Startable & EventTarget
    const announced: string[] = []
    stopped.addEventListener('peer', () => { announced.push('stopped') })
    await stopped.start()
    await stopped.stop()
    // the second module's timer was set after the first's, so when it fires the first's would have
    const found = nextEvent<PeerInfo>(running, 'peer')
    await running.start()
    expect((await found).id.equals(b.peerId)).to.equal(true)
    await running.stop()
    expect(announced).to.deep.equal([])
    expect(dialled.map(String)).to.deep.equal([b.peerId.toString()])
  })
})
