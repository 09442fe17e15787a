import { PeerRecord, RecordEnvelope } from '@libp2p/peer-record'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createPeer, createStore, strings } from './fixtures.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const KEPT = multiaddr('/ip4/1.2.3.4/tcp/1')
const DROPPED = multiaddr('/ip4/10.0.0.1/tcp/1')

describe('peer store: addressFilter (the connection gater\'s filterMultiaddrForPeer)', () => {
  /** keeps every address but DROPPED, and records what it was asked */
  function filter (asked: string[]): (peer: PeerId, ma: Multiaddr) => Promise<boolean> {
    return async (peer, ma) => {
      asked.push(`${peer.toString()} ${ma.toString()}`)
      return !ma.equals(DROPPED)
    }
  }

  it('save, patch and merge store only the addresses it keeps, asking once per address with the peer', async () => {
    const asked: string[] = []
    const f = await createStore({ addressFilter: filter(asked) })
    const { peerId } = await createPeer()
    await f.store.save(peerId, { multiaddrs: [KEPT, DROPPED] })
    expect(strings((await f.store.get(peerId)).addresses)).to.deep.equal([KEPT.toString()])
    expect(asked).to.deep.equal([KEPT, DROPPED].map(ma => `${peerId.toString()} ${ma.toString()}`))
    await f.store.patch(peerId, { addresses: [{ multiaddr: DROPPED, isCertified: false }] })
    expect((await f.store.get(peerId)).addresses).to.deep.equal([])
    await f.store.merge(peerId, { multiaddrs: [DROPPED, KEPT] })
    expect(strings((await f.store.get(peerId)).addresses)).to.deep.equal([KEPT.toString()])
  })

  it('consumePeerRecord stores only the certified addresses it keeps', async () => {
    const f = await createStore({ addressFilter: filter([]) })
    const remote = await createPeer()
    const record = new PeerRecord({ peerId: remote.peerId, multiaddrs: [DROPPED, KEPT], seqNumber: 1n })
    const envelope = (await RecordEnvelope.seal(record, remote.privateKey)).marshal()
    expect(await f.store.consumePeerRecord(envelope)).to.equal(true)
    expect((await f.store.get(remote.peerId)).addresses).to.deep.equal([{ multiaddr: KEPT, isCertified: true }])
  })

  it('still refuses what is not a multiaddr', async () => {
    const f = await createStore({ addressFilter: filter([]) })
    const { peerId } = await createPeer()
    await expect(f.store.save(peerId, { multiaddrs: ['/ip4/1.2.3.4/tcp/1' as any] })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
