import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { nodeForSuite, startListener } from './client-fixtures.node.js'
import { tempDirPerTest } from './fixtures/nodes.js'
import { runBin } from './fixtures/process.js'

// a CID of the raw codec; nothing has to exist behind it for a provider record
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'

describe('libp2p dht against a libp2p node process', function () {
  this.timeout(90_000)
  const node = nodeForSuite()
  const temp = tempDirPerTest('libp2p-dht-')

  it('put stores a value under the key\'s IPNS name; get in another process reads it back', async () => {
    const key = join(temp.dir(), 'publisher.key')
    const put = await runBin(['dht', 'put', 'hello from a client', '--key', key, '--bootstrap', node().tcp])
    expect(put.code, put.stderr).to.equal(0)
    const [, name] = put.stdout.match(/^(\/ipns\/12D3KooW\S+)$/m) ?? []
    expect(name).to.be.a('string')
    expect(put.stderr).to.match(/stored on 1 peer\(s\)/)
    // the name is the key file's peer id
    const id = JSON.parse((await runBin(['id', '--key', key, '--json'])).stdout).id
    expect(name).to.equal(`/ipns/${id}`)

    // another process, over WebSockets, by name and by bare peer id
    const get = await runBin(['dht', 'get', name, '--bootstrap', node().ws])
    expect(get.code, get.stderr).to.equal(0)
    expect(get.stdout).to.equal('hello from a client\n')
    const json = await runBin(['dht', 'get', id, '--json'], { LIBP2P_BOOTSTRAP: node().tcp })
    expect(json.code, json.stderr).to.equal(0)
    expect(JSON.parse(json.stdout)).to.include({ key: name, value: 'hello from a client', from: node().peerId })

    // a later put from the same key replaces it (a higher sequence)
    const again = await runBin(['dht', 'put', 'second value', '--key', key, '--bootstrap', node().tcp, '--json'])
    expect(again.code, again.stderr).to.equal(0)
    expect(JSON.parse(again.stdout)).to.include({ key: name }).and.to.have.deep.property('storedOn', [node().peerId])
    const updated = await runBin(['dht', 'get', name, '--bootstrap', node().tcp])
    expect(updated.stdout).to.equal('second value\n')
  })

  it('get of a name nobody put exits 1 saying it was not found', async () => {
    const fresh = JSON.parse((await runBin(['id', '--json'])).stdout).id
    const get = await runBin(['dht', 'get', `/ipns/${fresh}`, '--bootstrap', node().tcp])
    expect(get.code).to.equal(1)
    expect(get.stdout).to.equal('')
    expect(get.stderr).to.equal(`NotFoundError: no DHT server had a record for /ipns/${fresh}\n`)
  })

  it('provide announces the client as a provider; find-providers in another process finds it', async () => {
    const key = join(temp.dir(), 'provider.key')
    const provide = await runBin(['dht', 'provide', CID, '--key', key, '--bootstrap', node().tcp, '--json'])
    expect(provide.code, provide.stderr).to.equal(0)
    const provided = JSON.parse(provide.stdout)
    expect(provided).to.include({ cid: CID }).and.to.have.deep.property('storedOn', [node().peerId])
    const find = await runBin(['dht', 'find-providers', CID, '--bootstrap', node().ws, '--json'])
    expect(find.code, find.stderr).to.equal(0)
    expect(JSON.parse(find.stdout).providers.map((p: { id: string }) => p.id)).to.deep.equal([provided.provider])
    const text = await runBin(['dht', 'find-providers', CID, '--bootstrap', node().tcp])
    expect(text.stdout.split(' ')[0].trim()).to.equal(provided.provider)

    const none = await runBin(['dht', 'find-providers', 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52za', '--bootstrap', node().tcp])
    expect(none.code).to.equal(1)
    expect(none.stderr).to.match(/^NotFoundError: no provider of \S+ was found/)
  })

  it('a bootstrap peer that does not serve the DHT (a libp2p listen) fails with UnsupportedProtocolError, not at its timeout', async () => {
    const listener = await startListener(['--listen', '/ip4/127.0.0.1/tcp/0'], /\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\S+/)
    try {
      // a timeout far beyond the test's own: only the identify answer can end it in time
      const get = await runBin(['dht', 'get', listener.peerId, '--bootstrap', listener.addr, '--timeout', '600000'])
      expect(get.code).to.equal(1)
      expect(get.stderr).to.equal(`UnsupportedProtocolError: no bootstrap peer serves the DHT (/ipfs/kad/1.0.0): ${listener.peerId} answered identify without it\n`)
    } finally {
      await listener.proc.stop()
    }
  })

  it('find-peer prints the addresses of a peer the node knows: a listener holding a reservation on it', async () => {
    const listener = await startListener(['--listen', '/ip4/127.0.0.1/tcp/0', '--relay', node().tcp], /\S+\/p2p-circuit\/p2p\/\S+/)
    try {
      const direct = listener.proc.stdout.match(/listening on (\/ip4\/127\.0\.0\.1\/tcp\/\d+)\/p2p\//)?.[1]
      const find = await runBin(['dht', 'find-peer', listener.peerId, '--bootstrap', node().tcp, '--json'])
      expect(find.code, find.stderr).to.equal(0)
      const found = JSON.parse(find.stdout)
      expect(found.id).to.equal(listener.peerId)
      expect(found.multiaddrs).to.include(direct)
      // what it found can be dialled
      const ping = await runBin(['ping', `${direct}/p2p/${listener.peerId}`, '--count', '1'])
      expect(ping.code, ping.stderr).to.equal(0)
    } finally {
      await listener.proc.stop()
    }
    const gone = await runBin(['dht', 'find-peer', JSON.parse((await runBin(['id', '--json'])).stdout).id, '--bootstrap', node().tcp, '--timeout', '5000'])
    expect(gone.code).to.equal(1)
    expect(gone.stderr).to.match(/^NotFoundError: no DHT server knew addresses of /)
  })
})
