import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { Key } from 'interface-datastore'
import { addrs, bytes, createPeerId, createStore } from './fixtures.js'
import type { StoreFixture } from './fixtures.js'
import type { PeerId } from '@libp2p/interface'

const A = multiaddr('/ip4/1.2.3.4/tcp/1')

describe('peer store: all and peer:update', () => {
  let f: StoreFixture
  let peer: PeerId

  beforeEach(async () => {
    f = await createStore()
    peer = await createPeerId()
  })

  describe('all', () => {
    let peers: PeerId[]

    beforeEach(async () => {
      peers = [peer, await createPeerId(), await createPeerId(), await createPeerId()]
      for (const [i, p] of peers.entries()) {
        await f.store.save(p, { protocols: i % 2 === 0 ? ['/even/1'] : ['/odd/1'], multiaddrs: addrs(1, i) })
      }
    })

    it('returns every peer', async () => {
      const all = await f.store.all()
      expect(all.map(p => p.id.toString())).to.have.members(peers.map(String))
    })

    it('applies every filter', async () => {
      const even = await f.store.all({ filters: [(p) => p.protocols.includes('/even/1')] })
      expect(even.map(p => p.id.toString())).to.have.members([peers[0], peers[2]].map(String))
      const none = await f.store.all({ filters: [(p) => p.protocols.includes('/even/1'), (p) => p.protocols.includes('/odd/1')] })
      expect(none).to.deep.equal([])
    })

    it('stops at the limit, counting only peers that pass the filters', async () => {
      expect(await f.store.all({ limit: 2 })).to.have.lengthOf(2)
      const odd = await f.store.all({ limit: 1, filters: [(p) => p.protocols.includes('/odd/1')] })
      expect(odd).to.have.lengthOf(1)
      expect(odd[0].protocols).to.deep.equal(['/odd/1'])
      expect(await f.store.all({ limit: 0 })).to.deep.equal([])
    })

    it('leaves the node itself out', async () => {
      await f.store.save(f.self, { protocols: ['/even/1'] })
      const all = await f.store.all()
      expect(all).to.have.lengthOf(peers.length)
      expect(all.some(p => p.id.equals(f.self))).to.be.false()
    })

    it('leaves deleted peers out', async () => {
      await f.store.delete(peers[1])
      expect((await f.store.all()).map(p => p.id.toString())).to.not.include(peers[1].toString())
    })

    it('ignores other keys in the datastore', async () => {
      await f.datastore.put(new Key('/peers/not-a-peer-id'), bytes(1))
      await f.datastore.put(new Key('/other/thing'), bytes(1))
      expect(await f.store.all()).to.have.lengthOf(peers.length)
    })
  })

  describe('peer:update events', () => {
    it('fires on save, patch and merge with the new and previous state', async () => {
      await f.store.save(peer, { protocols: ['/a/1'] })
      await f.store.patch(peer, { protocols: ['/b/1'] })
      await f.store.merge(peer, { protocols: ['/c/1'] })

      expect(f.updates).to.have.lengthOf(3)
      expect(f.updates.every(u => u.peer.id.equals(peer))).to.be.true()
      expect(f.updates[0].previous).to.be.undefined()
      expect(f.updates[0].peer.protocols).to.deep.equal(['/a/1'])
      expect(f.updates[1].previous?.protocols).to.deep.equal(['/a/1'])
      expect(f.updates[1].peer.protocols).to.deep.equal(['/b/1'])
      expect(f.updates[2].previous?.protocols).to.deep.equal(['/b/1'])
      expect(f.updates[2].peer.protocols).to.deep.equal(['/b/1', '/c/1'])
    })

    it('does not fire for the node itself', async () => {
      await f.store.save(f.self, { protocols: ['/a/1'] })
      await f.store.merge(f.self, { protocols: ['/b/1'] })
      await f.store.patch(f.self, { multiaddrs: [A] })
      expect(f.updates).to.deep.equal([])
    })

    it('a listener may write to the same peer without deadlocking', async () => {
      let written: Promise<unknown> | undefined
      f.events.addEventListener('peer:update', (evt) => {
        written ??= f.store.merge(evt.detail.peer.id, { protocols: ['/from-listener/1'] })
      })
      await f.store.save(peer, { protocols: ['/a/1'] })
      await written
      expect((await f.store.get(peer)).protocols).to.deep.equal(['/a/1', '/from-listener/1'])
      expect(f.updates).to.have.lengthOf(2)
    })

    it('does not fire when a write is refused', async () => {
      await expect(f.store.save(peer, { tags: { t: { value: 1000 } } })).to.eventually.be.rejected()
      expect(f.updates).to.deep.equal([])
    })
  })
})
