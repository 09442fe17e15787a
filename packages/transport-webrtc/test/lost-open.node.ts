import { expect } from 'aegir/chai'
import { registerOpen, withOpenFix } from '../src/lost-open.js'

/** a stand-in for the native channel: keeps the callback registered with it */
class FakeNative {
  registered?: () => void
  constructor (readonly open: boolean) {}
  onOpen (callback: () => void): void { this.registered = callback }
  isOpen (): boolean { return this.open }
}

describe('node-datachannel: an open that happens before the polyfill registers for it', () => {
  it('is delivered once, in a microtask, when the channel is already open at registration', async () => {
    let opens = 0
    const native = new FakeNative(true)
    registerOpen(native, FakeNative.prototype.onOpen, () => { opens++ })
    expect(opens).to.equal(0)
    await Promise.resolve()
    expect(opens).to.equal(1)
    // the native event arriving as well does not open it twice
    native.registered?.()
    expect(opens).to.equal(1)
  })

  it('waits for the native event when the channel is not open yet, and takes it once', async () => {
    let opens = 0
    const native = new FakeNative(false)
    registerOpen(native, FakeNative.prototype.onOpen, () => { opens++ })
    await Promise.resolve()
    expect(opens).to.equal(0)
    native.registered?.()
    native.registered?.()
    expect(opens).to.equal(1)
  })

  it('withOpenFix: channels it creates and channels the remote opens take the fix, every other call reaches the native object as `this`', async () => {
    const made: FakeNative[] = []
    const fakePc = {
      label: 'pc',
      createDataChannel (this: unknown, label: string): FakeNative {
        if (this !== fakePc) { throw new TypeError('Illegal invocation') }
        const channel = new FakeNative(true)
        made.push(channel)
        return channel
      },
      close (this: unknown): string {
        if (this !== fakePc) { throw new TypeError('Illegal invocation') }
        return 'closed'
      },
      remoteOpens: undefined as ((channel: FakeNative) => void) | undefined,
      onDataChannel (this: unknown, callback: (channel: FakeNative) => void): void {
        if (this !== fakePc) { throw new TypeError('Illegal invocation') }
        fakePc.remoteOpens = callback
      }
    }
    const pc = withOpenFix(fakePc as any) as unknown as typeof fakePc
    expect(pc.label).to.equal('pc')
    expect(pc.close()).to.equal('closed')
    const channel = pc.createDataChannel('x')
    let opens = 0
    channel.onOpen(() => { opens++ })
    // the fake channel was open at registration: the fix delivers the open the native side never repeats
    await Promise.resolve()
    expect(opens).to.equal(1)
    expect(channel.isOpen()).to.equal(true)
    expect(made).to.have.lengthOf(1)

    // a channel the remote opens gets the fix too
    const inbound: FakeNative[] = []
    pc.onDataChannel((c) => { inbound.push(c) })
    fakePc.remoteOpens?.(new FakeNative(true))
    let inboundOpens = 0
    inbound[0].onOpen(() => { inboundOpens++ })
    await Promise.resolve()
    expect(inboundOpens).to.equal(1)
  })
})
