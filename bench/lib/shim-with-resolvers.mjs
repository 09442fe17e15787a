// js-libp2p 3.x calls Promise.withResolvers (ES2024, Node >= 22). This machine runs Node 20, so
// the js-libp2p children load this first (`node --import`). Our stack runs without it.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers () {
      let resolve
      let reject
      const promise = new this((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}
