import { expect } from 'aegir/chai'
import { webSockets } from '../src/index.js'
import type { WebSocketsInit } from '../src/index.js'

describe('WebSockets options', () => {
  it('rejects maxBufferedAmount and bufferedAmountPollInterval that are not positive integers', () => {
    const bad: WebSocketsInit[] = [
      { maxBufferedAmount: 0 },
      { maxBufferedAmount: -1 },
      { maxBufferedAmount: 1.5 },
      { maxBufferedAmount: Number.NaN },
      { maxBufferedAmount: Infinity },
      { maxBufferedAmount: '1024' as unknown as number },
      { bufferedAmountPollInterval: 0 },
      { bufferedAmountPollInterval: -10 },
      { bufferedAmountPollInterval: 2.5 }
    ]
    for (const init of bad) {
      expect(() => webSockets(init)({}), JSON.stringify(init)).to.throw().with.property('name', 'InvalidParametersError')
    }
    expect(() => webSockets({ maxBufferedAmount: 1, bufferedAmountPollInterval: 1 })({})).to.not.throw()
    expect(() => webSockets({ maxBufferedAmount: 4 * 1024 * 1024, bufferedAmountPollInterval: 10 })({})).to.not.throw()
  })
})
