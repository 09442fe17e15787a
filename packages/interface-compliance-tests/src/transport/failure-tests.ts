import { expect } from 'aegir/chai'
import { rawConnection } from './recording-upgrader.js'
import { deadline, isFinal, waitFor, waitForFinal } from './stream-helpers.js'
import type { SuiteContext } from './context.js'
import type { MessageStream } from '@libp2p/interface'

/** resolves once the stream's read side has ended, by EOF or by an error */
async function readEnds (stream: MessageStream): Promise<void> {
  try {
    while (await stream.read({ signal: deadline() }) != null) { /* drop data */ }
  } catch (err: any) {
    expect(err.name).to.not.equal('TimeoutError', 'the stream did not end')
  }
}

export function failureTests (ctx: SuiteContext): void {
  describe('failures', () => {
    it('dialling an address nobody listens on fails with a typed error', async () => {
      const { listener, addrs } = await ctx.listen()
      await listener.close({ signal: deadline() })
      const err = await ctx.setup.dialer.dial(addrs[0], { upgrader: ctx.upgrader(), signal: deadline() })
        .then(() => undefined, (err: Error) => err)
      expect(err, 'the dial succeeded').to.be.an.instanceOf(Error)
      expect(err?.name).to.be.a('string').and.not.be.oneOf(['Error', 'TypeError', 'RangeError'])
    })

    it('a dial whose signal is already aborted fails with AbortError and connects nothing', async () => {
      const listening = await ctx.listen()
      const upgrader = ctx.upgrader()
      const controller = new AbortController()
      controller.abort()
      await expect(ctx.setup.dialer.dial(listening.addrs[0], { upgrader, signal: controller.signal }))
        .to.eventually.be.rejected.with.property('name', 'AbortError')
      expect(upgrader.outbound).to.be.empty()
      expect(listening.upgrader.inbound).to.be.empty()
    })

    it('aborting a dial during the upgrade fails with AbortError and ends both raw connections', async () => {
      const listening = await ctx.listen()
      const upgrader = ctx.upgrader({ holdOutbound: true })
      const controller = new AbortController()
      const dialling = ctx.setup.dialer.dial(listening.addrs[0], { upgrader, signal: controller.signal })
      const outbound = await upgrader.waitFor('outbound', 1, { signal: deadline() })
      const inbound = await listening.upgrader.waitFor('inbound', 1, { signal: deadline() })
      controller.abort()
      await expect(dialling).to.eventually.be.rejected.with.property('name', 'AbortError')
      await readEnds(inbound)
      await waitForFinal(outbound, { signal: deadline() })
      // the listener's side does not linger half-open
      if (!isFinal(inbound)) { await inbound.close({ signal: deadline() }).catch(() => {}) }
      expect(isFinal(inbound), `inbound is ${inbound.status}`).to.equal(true)
    })

    it('a failed inbound upgrade is reported with an error event and ends the dialer\'s connection', async () => {
      const failure = new Error('inbound upgrade refused by the test')
      const listening = await ctx.listen({ failInbound: failure })
      const errorEvent = waitFor<CustomEvent<Error>>(listening.listener, 'error')
      let connections = 0
      listening.listener.addEventListener('connection', () => { connections++ })
      const connection = await ctx.setup.dialer.dial(listening.addrs[0], { upgrader: ctx.upgrader(), signal: deadline() })
      expect((await errorEvent)?.detail).to.equal(failure)
      await readEnds(rawConnection(connection))
      expect(connections).to.equal(0)
    })

    it('closing the listener ends its connections and emits close', async () => {
      const listening = await ctx.listen()
      const dialled = [await ctx.dial(listening), await ctx.dial(listening), await ctx.dial(listening)]
      const closeEvent = waitFor(listening.listener, 'close')
      const closing = listening.listener.close({ signal: deadline() })
      // the dialers see their connections end; closing them lets a graceful listener finish
      await Promise.all(dialled.map(async ({ outbound }) => {
        await readEnds(outbound)
        if (!isFinal(outbound)) { await outbound.close({ signal: deadline() }).catch(() => {}) }
      }))
      await closing
      await closeEvent
      for (const { inbound } of dialled) {
        await waitForFinal(inbound, { signal: deadline() })
      }
      expect(listening.listener.getAddrs()).to.be.empty()
      await expect(ctx.setup.dialer.dial(listening.addrs[0], { upgrader: ctx.upgrader(), signal: deadline() }))
        .to.eventually.be.rejected()
    })
  })
}
