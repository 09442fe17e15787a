import { expect } from 'aegir/chai'
import { deadline, waitFor } from './stream-helpers.js'
import type { SuiteContext } from './context.js'

export function listenTests (ctx: SuiteContext): void {
  describe('listen', () => {
    ctx.test('listens, emits listening and reports addresses the dialer accepts', async () => {
      for (let i = 0; i < ctx.setup.listenAddrs.length; i++) {
        const { listener, addrs } = await ctx.listen(undefined, i)
        expect(listener.getAddrs()).to.not.be.empty()
        expect(ctx.setup.dialer.dialFilter(addrs).map(String)).to.deep.equal(addrs.map(String))
      }
    })

    ctx.test('close() emits close and stops reporting addresses', async () => {
      const { listener } = await ctx.listen()
      const closed = waitFor(listener, 'close')
      await listener.close({ signal: deadline() })
      await closed
      expect(listener.getAddrs()).to.be.empty()
    })

    ctx.test('close() is idempotent', async () => {
      const { listener } = await ctx.listen()
      await listener.close()
      await listener.close()
      expect(listener.getAddrs()).to.be.empty()
    })
  })

  describe('filters', () => {
    ctx.test('listenFilter keeps the listen addresses', () => {
      const addrs = ctx.setup.listenAddrs
      expect(ctx.setup.listener.listenFilter(addrs).map(String)).to.deep.equal(addrs.map(String))
    })

    ctx.test('dialFilter keeps the addresses a listener reports', async () => {
      const { addrs } = await ctx.listen()
      expect(ctx.setup.dialer.dialFilter(addrs).map(String)).to.deep.equal(addrs.map(String))
    })

    ctx.test('both filters drop addresses of other transports', () => {
      const foreign = ctx.unsupportedAddrs
      expect(ctx.setup.listener.listenFilter(foreign)).to.be.empty()
      expect(ctx.setup.dialer.dialFilter(foreign)).to.be.empty()
    })

    ctx.test('filters keep the order of what they accept', () => {
      const mixed = [...ctx.unsupportedAddrs, ...ctx.setup.listenAddrs, ...ctx.unsupportedAddrs]
      expect(ctx.setup.listener.listenFilter(mixed).map(String)).to.deep.equal(ctx.setup.listenAddrs.map(String))
    })
  })
}
