import { expect } from 'aegir/chai'
import * as exported from '../src/index.js'

// code compares err.name with the class's static name (docs/ERRORS.md), and code written for
// js-libp2p compares it with js-libp2p's class names: both must hold for every exported class
const JS_LIBP2P_3_NAMES = [
  'AlreadyStartedError', 'ConnectionClosingError', 'InvalidCIDError', 'InvalidCryptoExchangeError', 'InvalidMultihashError',
  'LimitedConnectionError', 'MuxerClosedError', 'NotImplementedError', 'StreamAbortedError', 'TooManyInboundProtocolStreamsError',
  'TooManyOutboundProtocolStreamsError', 'UnsupportedOperationError'
]

describe('error classes', () => {
  const classes = Object.entries(exported).filter(([key, value]) => key.endsWith('Error') && typeof value === 'function') as Array<[string, new (...args: any[]) => Error]>

  it('each has a static and an instance name equal to its export name', () => {
    expect(classes.length).to.be.greaterThan(30)
    for (const [key, ErrorClass] of classes) {
      const err = key === 'LimitExceededError' ? new ErrorClass('limit', 1, 'what') : new ErrorClass('m')
      expect(ErrorClass.name, key).to.equal(key)
      expect(err.name, key).to.equal(key)
      expect(err).to.be.an.instanceOf(Error)
    }
  })

  it('includes the classes js-libp2p 3 exports, with a default message', () => {
    const names = classes.map(([key]) => key)
    for (const name of JS_LIBP2P_3_NAMES) {
      expect(names, name).to.include(name)
      const ErrorClass = classes.find(([key]) => key === name)?.[1]
      if (ErrorClass == null) { throw new Error(`${name} is not exported`) }
      expect(new ErrorClass().message, name).to.not.equal('')
    }
  })
})
