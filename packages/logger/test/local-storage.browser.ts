import { expect } from 'aegir/chai'
import { disable, enable, enabled } from '../src/index.js'

describe('localStorage.debug (browser)', () => {
  it('enable() and disable() persist the selection to localStorage.debug', () => {
    const previous = disable()
    try {
      expect(localStorage.getItem('debug')).to.equal(null)
      enable('libp2p:*')
      expect(localStorage.getItem('debug')).to.equal('libp2p:*')
      expect(enabled('libp2p:tcp')).to.equal(true)
      disable()
      expect(localStorage.getItem('debug')).to.equal(null)
    } finally {
      enable(previous)
    }
  })
})
