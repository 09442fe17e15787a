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
    ctx.test('dialling an address nobody listens on fails with a typed error', async () => {
      const { listener, addrs } = await ctx.listen()
      await listener.close({ signal: deadline() })
      const err = await ctx.setup.dialer.dial(addrs[0], { upgrader: ctx.upgrader(), signal: deadline() })
        .then(() => undefined, (err: Error) => err)
      expect(err, 'the dial succeeded').to.be.an.instanceOf(Error)
      expect(err?.name).to.be.a('string').and.not.be.oneOf(['Error', 'TypeError', 'RangeError'])
    })

    ctx.test('a dial whose signal is already aborted fails with AbortError and connects nothing', async () => {
      const listening = await ctx.listen()
      const upgrader = ctx.upgrader()
      const controller = new AbortController()
      controller.abort()
      await expect(ctx.setup.dialer.dial(listening.addrs[0], { upgrader, signal: controller.signal }))
        .to.eventually.be.rejected.with.property('name', 'AbortError')
      expect(upgrader.outbound).to.be.empty()
      expect(listening.upgrader.inbound).to.be.empty()
    })

    ctx.test('aborting a dial during the upgrade fails with AbortError and ends both raw connections', async () => {
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

    ctx.test('a failed inbound upgrade ends the dialer\'s connection', async () => {
      const listening = await ctx.listen({ failInbound: new Error('inbound upgrade refused by the test') })
      let connections = 0
      listening.listener.addEventListener('connection', () => { connections++ })
      const upgrader = ctx.upgrader()
      // the dial fails itself where the listener's refusal can reach the dialer before its own
      // upgrade ends (WebRTC-Direct's handshake); either way no raw connection of it stays open
      const dialled = await ctx.setup.dialer.dial(listening.addrs[0], { upgrader, signal: deadline() })
        .then(connection => rawConnection(connection), (err: Error) => err)
      await listening.upgrader.waitFor('inbound', 1, { signal: deadline() })
      if (dialled instanceof Error) {
        expect(dialled.name).to.be.a('string').and.not.be.oneOf(['Error', 'TypeError', 'RangeError'])
      } else {
        await readEnds(dialled)
      }
      for (const maConn of upgrader.outbound) { await readEnds(maConn) }
      expect(connections).to.equal(0)
    })

    ctx.test('a failed inbound upgrade is reported with an error event', async () => {
      const failure = new Error('inbound upgrade refused by the test')
      const listening = await ctx.listen({ failInbound: failure })
      const errorEvent = waitFor<CustomEvent<Error>>(listening.listener, 'error')
      await ctx.setup.dialer.dial(listening.addrs[0], { upgrader: ctx.upgrader(), signal: deadline() })
        .catch(() => {}) // a transport that upgrades the dialer last may fail its dial: only the event counts here
      expect((await errorEvent)?.detail).to.equal(failure)
    })

    ctx.test('closing the listener ends its connections and emits close', async () => {
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
