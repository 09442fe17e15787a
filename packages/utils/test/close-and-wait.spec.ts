import { expect } from 'aegir/chai'
import { closeAndWait } from '../src/close-and-wait.js'
import { messageStreamPair } from '../src/stream-pair.js'

describe('closeAndWait', () => {
  it('closes, drops what the remote still sends, and resolves once the remote closed too', async () => {
    const [a, b] = messageStreamPair()
    const done = closeAndWait(a, { signal: AbortSignal.timeout(5_000) })
    expect(await b.read()).to.equal(null)
    b.send(Uint8Array.of(1, 2, 3))
    await b.close()
    await done
    expect(a.status).to.equal('closed')
  })

  it('aborts the stream with the signal\'s reason when the remote never closes', async () => {
    const [a, b] = messageStreamPair()
    const controller = new AbortController()
    const done = closeAndWait(a, { signal: controller.signal })
    expect(await b.read()).to.equal(null)
    controller.abort(new Error('gave up'))
    await expect(done).to.eventually.be.rejected.with.property('message', 'gave up')
    expect(a.status).to.equal('aborted')
    expect(b.status).to.equal('reset')
  })
})
