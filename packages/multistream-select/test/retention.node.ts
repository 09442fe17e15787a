import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { select } from '../src/index.js'
import { HEADER, hex } from './fixtures.js'
import type { MessageStream } from '@libp2p/interface'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

describe('select with one protocol: what the optimistic wrapper keeps', () => {
  it('does not keep the negotiation signal once the remote confirmed (a connection lives for hours, its upgrade signal need not)', async () => {
    const [dialer, listener] = messageStreamPair()
    const withRemoteAddr = Object.assign(dialer, { remoteAddr: 'addr' })
    let signalRef: WeakRef<AbortSignal> | undefined
    const open = async (): Promise<MessageStream> => {
      const controller = new AbortController()
      signalRef = new WeakRef(controller.signal)
      return select(withRemoteAddr, '/echo/1.0.0', { signal: controller.signal })
    }
    const stream = await open()
    listener.send(hex(`${HEADER} 0c 2f6563686f2f312e302e30 0a`))
    stream.send(Uint8Array.of(1))
    expect((await listener.read())?.byteLength).to.be.greaterThan(0)
    // the first read consumes the confirmation
    listener.send(Uint8Array.of(2))
    expect((await stream.read())?.subarray()).to.deep.equal(Uint8Array.of(2))
    expect((stream as unknown as { remoteAddr: string }).remoteAddr).to.equal('addr')
    for (let i = 0; i < 3; i++) {
      gc()
      await new Promise(resolve => setImmediate(resolve))
    }
    expect(signalRef?.deref()).to.equal(undefined)
    expect(stream.status).to.equal('open')
  })
})
