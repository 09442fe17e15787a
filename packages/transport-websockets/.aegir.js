import shared from '../../.aegir.js'

/**
 * The browser tests dial a Node listener: `before` starts it (from the built test fixtures, so
 * build first) and hands its addresses to the page as environment variables; `after` stops it.
 * Node test runs start nothing.
 */
export default {
  ...shared,
  test: {
    ...shared.test,
    async before (argv) {
      if (argv.runner !== 'browser' && argv.runner !== 'webworker') { return undefined }
      const { startBrowserServer } = await import('./dist/test/fixtures/browser-server.js')
      const server = await startBrowserServer()
      return { env: server.env, server }
    },
    async after (_argv, before) {
      await before?.server?.stop()
    },
    browser: {
      config: {
        ...shared.test.browser.config,
        browserContextOptions: {
          ...shared.test.browser.config.browserContextOptions,
          // the wss listener uses the self-signed test certificate (test/fixtures/cert.pem)
          ignoreHTTPSErrors: true
        }
      }
    }
  }
}
