import { inspect } from 'node:util'
import { expect } from 'aegir/chai'
import { peerIdFromString } from '../src/index.js'
import { specExamples } from './fixtures/vectors.js'

describe('PeerId in Node.js logs', () => {
  it('util.inspect shows the id, not its internals', () => {
    const id = peerIdFromString(specExamples.ed25519.base58)

    expect(inspect(id)).to.equal(`PeerId(${specExamples.ed25519.base58})`)
    expect(inspect({ peer: id })).to.equal(`{ peer: PeerId(${specExamples.ed25519.base58}) }`)
  })
})
