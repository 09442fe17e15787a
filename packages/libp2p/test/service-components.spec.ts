// What js-libp2p 3's services from npm take from the components besides the registrar: other
// services by name (@libp2p/kad-dht pings through components.ping), and the connection manager's
// openStream() and isDialable() (kad-dht's network and query paths).
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { memoryNode, memoryNodesPerTest, readAll } from './fixtures.js'
import type { Components } from '../src/components.js'
import type { Multiaddr } from '@multiformats/multiaddr'

const ECHO = '/echo/1.0.0'

describe('service components (js-libp2p 3 contract)', () => {
  const node = memoryNodesPerTest()

  it('adds each service to the components under its name, so later services and lazy lookups see it', async () => {
    let seenByB: unknown
    let components: Components | undefined
    const n = await node({
      services: {
        a: () => ({ name: 'a' }),
        b: (c: Components) => { seenByB = c.a; components = c; return { name: 'b' } }
      }
    })
    expect(seenByB).to.equal(n.services.a)
    expect(components?.b).to.equal(n.services.b)
    expect(n.components.a).to.equal(n.services.a)
  })

  it('refuses a service named like a component', async () => {
    await expect(memoryNode({ services: { registrar: () => ({}) } }))
      .to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('connectionManager.openStream() dials and opens a stream for the protocol', async () => {
    const a = await node()
    const b = await node()
    await b.handle(ECHO, async (stream) => {
      for await (const chunk of stream) { stream.send(chunk) }
      await stream.closeWrite()
    })
    const stream = await a.components.connectionManager.openStream(b.getMultiaddrs()[0], ECHO)
    expect(stream.protocol).to.equal(ECHO)
    stream.send(Uint8Array.of(7, 8, 9))
    await stream.closeWrite()
    expect(await readAll(stream)).to.deep.equal(Uint8Array.of(7, 8, 9))
    // by peer id it reuses the open connection
    const again = await a.components.connectionManager.openStream(b.peerId, [ECHO])
    expect(a.getConnections(b.peerId)).to.have.length(1)
    await again.close()
  })

  it('connectionManager.isDialable() says whether a dial would be tried, without dialling', async () => {
    const a = await node({ connectionGater: { denyDialMultiaddr: (ma: Multiaddr) => ma.toString().includes('denied') } })
    const b = await node()
    const cm = a.components.connectionManager
    const addr = b.getMultiaddrs()[0]
    expect(await cm.isDialable(addr)).to.equal(true)
    expect(await cm.isDialable([addr])).to.equal(true)
    expect(a.getConnections()).to.have.length(0)
    // no transport for TCP in this node
    expect(await cm.isDialable(multiaddr('/ip4/127.0.0.1/tcp/4001'))).to.equal(false)
    // the gater refuses it
    expect(await cm.isDialable(multiaddr('/memory/denied'))).to.equal(false)
    // itself
    expect(await cm.isDialable(a.getMultiaddrs()[0])).to.equal(false)
    expect(await cm.isDialable([])).to.equal(false)
  })
})
