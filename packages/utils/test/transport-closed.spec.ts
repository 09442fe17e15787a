import { expect } from 'aegir/chai'
import { messageStreamPair } from '../src/stream-pair.js'

describe('AbstractMessageStream.onTransportClosed', () => {
  it('finishes a stream whose read side had already ended', async () => {
    const [a, b] = messageStreamPair()
    await a.closeWrite()
    expect(await b.read()).to.equal(null)
    expect(b.remoteWriteStatus).to.equal('closed')
    let closes = 0
    b.addEventListener('close', () => { closes++ })
    b.onTransportClosed()
    expect(b.writeStatus).to.equal('closed')
    expect(b.status).to.equal('closed')
    expect(b.readStatus).to.equal('closed')
    expect(closes).to.equal(1)
  })

  it('counts as EOF in both directions on an open stream', () => {
    const [, b] = messageStreamPair()
    b.onTransportClosed()
    expect(b.readStatus).to.equal('closed')
    expect(b.writeStatus).to.equal('closed')
    expect(b.status).to.equal('closed')
  })

  it('aborts a stream with unsent data', () => {
    const [a, b] = messageStreamPair()
    a.send(Uint8Array.of(1))
    a.onTransportClosed()
    expect(a.status).to.equal('aborted')
    expect(b.status).to.equal('open')
  })
})
