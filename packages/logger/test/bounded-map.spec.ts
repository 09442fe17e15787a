import { expect } from 'aegir/chai'
import { BoundedMap } from '../src/bounded-map.js'

describe('BoundedMap', () => {
  it('keeps at most maxSize entries and evicts the oldest insertion', () => {
    const map = new BoundedMap<string, number>(3)
    map.set('a', 1).set('b', 2).set('c', 3)
    expect(map.size).to.equal(3)

    // a hit does not refresh the entry
    expect(map.get('a')).to.equal(1)

    map.set('d', 4)
    expect(map.size).to.equal(3)
    expect(map.has('a')).to.equal(false)
    expect(map.get('b')).to.equal(2)
    expect(map.get('d')).to.equal(4)
  })

  it('overwrites an existing key without evicting', () => {
    const map = new BoundedMap<string, number>(2)
    map.set('a', 1).set('b', 2).set('a', 10)
    expect(map.size).to.equal(2)
    expect(map.get('a')).to.equal(10)
    expect(map.get('b')).to.equal(2)
  })

  it('never grows past its bound', () => {
    const map = new BoundedMap<number, number>(16)
    for (let i = 0; i < 1000; i++) {
      map.set(i, i)
      expect(map.size).to.be.at.most(16)
    }
    expect(map.size).to.equal(16)
    expect(map.has(983)).to.equal(false)
    expect(map.has(984)).to.equal(true)
    expect(map.has(999)).to.equal(true)
  })

  it('deletes and clears', () => {
    const map = new BoundedMap<string, number>(2)
    map.set('a', 1).set('b', 2)
    expect(map.delete('a')).to.equal(true)
    expect(map.delete('a')).to.equal(false)
    map.clear()
    expect(map.size).to.equal(0)
  })

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).to.throw().with.property('name', 'InvalidParametersError')
    expect(() => new BoundedMap(1.5)).to.throw().with.property('name', 'InvalidParametersError')
  })
})
