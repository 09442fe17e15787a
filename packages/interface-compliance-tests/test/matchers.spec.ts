import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { matchMultiaddr, matchPeerId } from '../src/matchers/index.js'

describe('matchers', () => {
  it('matchPeerId compares by value', async () => {
    const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const other = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const match = matchPeerId(id)
    expect(match(peerIdFromString(id.toString()))).to.equal(true)
    expect(match(id.toString())).to.equal(true)
    expect(match(id.toMultihash().bytes)).to.equal(true)
    expect(match(other)).to.equal(false)
    expect(match(undefined)).to.equal(false)
    expect(match({})).to.equal(false)
  })

  it('matchMultiaddr compares by value', () => {
    const match = matchMultiaddr('/ip4/127.0.0.1/tcp/1')
    expect(match(multiaddr('/ip4/127.0.0.1/tcp/1'))).to.equal(true)
    expect(match('/ip4/127.0.0.1/tcp/1')).to.equal(true)
    expect(match(multiaddr('/ip4/127.0.0.1/tcp/2'))).to.equal(false)
    expect(match(null)).to.equal(false)
    expect(matchMultiaddr(multiaddr('/memory/a'))(multiaddr('/memory/a'))).to.equal(true)
  })
})
