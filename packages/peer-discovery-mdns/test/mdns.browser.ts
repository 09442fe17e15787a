import { defaultLogger } from '@libp2p/logger'
import { expect } from 'aegir/chai'
import { UnsupportedOperationError, mdns } from '../src/index.js'

describe('mdns() in a browser', () => {
  it('throws UnsupportedOperationError: browsers have no UDP multicast', () => {
    expect(() => mdns()({ addressManager: {} as any, logger: defaultLogger() }))
      .to.throw().with.property('name', UnsupportedOperationError.name)
  })
})
