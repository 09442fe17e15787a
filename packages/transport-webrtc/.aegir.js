import shared from '../../.aegir.js'

/**
 * The browser tests need a relay and a Node WebRTC peer: `before` starts them (from the built
 * test fixtures, so build first) and hands their addresses to the page; `after` stops them.
 */
export default {
  ...shared,
  test: {
    ...shared.test,
    async before (argv) {
      if (argv.runner !== 'browser') { return undefined }
      const { startBrowserPeers } = await import('./dist/test/fixtures/browser-peers.js')
      const peers = await startBrowserPeers()
      return { env: peers.env, peers }
    },
    async after (_argv, before) {
      await before?.peers?.stop()
    }
  }
}
