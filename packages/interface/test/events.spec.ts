import { expect } from 'aegir/chai'
import { TypedEventEmitter } from '../src/events.js'

interface Events {
  ping: CustomEvent<number>
}

describe('TypedEventEmitter', () => {
  it('counts listeners and delivers the detail', () => {
    const emitter = new TypedEventEmitter<Events>()
    const seen: number[] = []
    const listener = (evt: CustomEvent<number>): void => { seen.push(evt.detail) }
    expect(emitter.listenerCount('ping')).to.equal(0)
    emitter.addEventListener('ping', listener)
    expect(emitter.listenerCount('ping')).to.equal(1)
    emitter.safeDispatchEvent('ping', { detail: 7 })
    emitter.removeEventListener('ping', listener)
    emitter.safeDispatchEvent('ping', { detail: 8 })
    expect(seen).to.deep.equal([7])
    expect(emitter.listenerCount('ping')).to.equal(0)
  })
})
