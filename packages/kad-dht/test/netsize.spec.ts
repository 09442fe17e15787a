import { expect } from 'aegir/chai'
import { compareCloseness } from '../src/kad-id.js'
import { NetworkSizeEstimator, normalisedDistance } from '../src/netsize.js'

function randomId (): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(32))
}

describe('the network size estimate', () => {
  it('is undefined until enough lookups finished', () => {
    const estimator = new NetworkSizeEstimator()
    expect(estimator.estimate()).to.equal(undefined)
    estimator.add(randomId(), [randomId()])
    expect(estimator.estimate()).to.equal(undefined)
  })

  for (const size of [200, 2000]) {
    it(`comes within 35% of a uniform network of ${size}`, () => {
      const network = Array.from({ length: size }, randomId)
      const estimator = new NetworkSizeEstimator()
      for (let i = 0; i < 30; i++) {
        const target = randomId()
        const closest = [...network].sort((a, b) => compareCloseness(target, a, b)).slice(0, 20)
        estimator.add(target, closest)
      }
      const estimate = estimator.estimate() ?? 0
      expect(estimate).to.be.within(size * 0.65, size * 1.35)
    })
  }

  it('normalises XOR distance to [0, 1)', () => {
    const a = new Uint8Array(32)
    const b = new Uint8Array(32).fill(0xff)
    expect(normalisedDistance(a, a)).to.equal(0)
    expect(normalisedDistance(a, b)).to.be.above(0.999).and.below(1)
  })
})
