import { createServer } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { expect } from 'aegir/chai'
import { connect } from '../src/connect.js'
import type { AddressInfo, Socket } from 'node:net'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

describe('TCP dial: what a connected socket keeps', () => {
  it('does not keep the dial signal once connected (a connection lives for hours, its dial signal need not)', async () => {
    const server = createServer((s) => { s.on('error', () => {}) })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    let signalRef: WeakRef<AbortSignal> | undefined
    const dial = async (): Promise<Socket> => {
      const controller = new AbortController()
      signalRef = new WeakRef(controller.signal)
      return connect({ host: '127.0.0.1', port, family: 4 }, { signal: controller.signal, timeout: 5000 })
    }
    const socket = await dial()
    try {
      for (let i = 0; i < 3; i++) {
        gc()
        await new Promise(resolve => setImmediate(resolve))
      }
      expect(signalRef?.deref()).to.equal(undefined)
      // a late error still has a listener: it must not crash the process
      expect(socket.listenerCount('error')).to.equal(1)
    } finally {
      socket.destroy()
      server.close()
    }
  })
})
