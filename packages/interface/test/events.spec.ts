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

describe('TypedEventEmitter: the EventTarget contract', () => {
  interface Map2 {
    a: CustomEvent<number>
    b: CustomEvent<string>
  }

  it('calls listener objects through handleEvent, with target and currentTarget set', () => {
    const emitter = new TypedEventEmitter<Map2>()
    const seen: Array<[number, unknown, unknown]> = []
    emitter.addEventListener('a', { handleEvent: (evt) => { seen.push([evt.detail, evt.target, evt.currentTarget]) } })
    emitter.safeDispatchEvent('a', { detail: 1 })
    expect(seen).to.deep.equal([[1, emitter, emitter]])
  })

  it('ignores a duplicate registration and a null listener; capture is part of the identity', () => {
    const emitter = new TypedEventEmitter<Map2>()
    let calls = 0
    const listener = (): void => { calls++ }
    emitter.addEventListener('a', listener)
    emitter.addEventListener('a', listener)
    emitter.addEventListener('a', listener, { capture: false })
    emitter.addEventListener('a', null)
    expect(emitter.listenerCount('a')).to.equal(1)
    emitter.addEventListener('a', listener, true)
    expect(emitter.listenerCount('a')).to.equal(2)
    emitter.safeDispatchEvent('a', { detail: 0 })
    expect(calls).to.equal(2)
    emitter.removeEventListener('a', listener, { capture: true })
    emitter.safeDispatchEvent('a', { detail: 0 })
    expect(calls).to.equal(3)
  })

  it('removes a once listener before calling it, and counts it no more', () => {
    const emitter = new TypedEventEmitter<Map2>()
    const seen: number[] = []
    emitter.addEventListener('a', (evt) => {
      seen.push(evt.detail)
      emitter.safeDispatchEvent('a', { detail: evt.detail + 1 })
    }, { once: true })
    emitter.safeDispatchEvent('a', { detail: 1 })
    emitter.safeDispatchEvent('a', { detail: 5 })
    expect(seen).to.deep.equal([1])
    expect(emitter.listenerCount('a')).to.equal(0)
  })

  it('removes a listener when its signal aborts, and does not add one whose signal already aborted', () => {
    const emitter = new TypedEventEmitter<Map2>()
    let calls = 0
    const controller = new AbortController()
    emitter.addEventListener('a', () => { calls++ }, { signal: controller.signal })
    emitter.safeDispatchEvent('a', { detail: 0 })
    controller.abort()
    emitter.safeDispatchEvent('a', { detail: 0 })
    expect(calls).to.equal(1)
    expect(emitter.listenerCount('a')).to.equal(0)
    emitter.addEventListener('a', () => { calls++ }, { signal: controller.signal })
    expect(emitter.listenerCount('a')).to.equal(0)
  })

  it('does not call a listener added during a dispatch in that dispatch, and skips one removed during it', () => {
    const emitter = new TypedEventEmitter<Map2>()
    const order: string[] = []
    const late = (): void => { order.push('late') }
    const removed = (): void => { order.push('removed') }
    emitter.addEventListener('a', () => {
      order.push('first')
      emitter.addEventListener('a', late)
      emitter.removeEventListener('a', removed)
    })
    emitter.addEventListener('a', removed)
    emitter.safeDispatchEvent('a', { detail: 0 })
    expect(order).to.deep.equal(['first'])
    emitter.safeDispatchEvent('a', { detail: 0 })
    expect(order).to.deep.equal(['first', 'first', 'late'])
  })

  it('keeps types apart, stops at stopImmediatePropagation() and reports preventDefault()', () => {
    const emitter = new TypedEventEmitter<Map2>()
    const order: string[] = []
    emitter.addEventListener('b', () => { order.push('b') })
    emitter.addEventListener('a', (evt) => {
      order.push('a1')
      evt.preventDefault()
      evt.stopImmediatePropagation()
    })
    emitter.addEventListener('a', () => { order.push('a2') })
    expect(emitter.safeDispatchEvent('a', { detail: 0, cancelable: true })).to.equal(false)
    expect(emitter.safeDispatchEvent('b', { detail: '' })).to.equal(true)
    expect(order).to.deep.equal(['a1', 'b'])
  })

  it('dispatches plain Events too', () => {
    const emitter = new TypedEventEmitter<Record<string, Event>>()
    let type = ''
    emitter.addEventListener('x', (evt) => { type = evt.type })
    expect(emitter.dispatchEvent(new Event('x'))).to.equal(true)
    expect(type).to.equal('x')
  })
})
