// Shared aegir configuration; each package's .aegir.js re-exports this.
export default {
  build: {
    bundle: false
  },
  test: {
    browser: {
      config: {
        browserContextOptions: {
          // spread into Playwright's launchPersistentContext(); Debian chromium, see scripts/pw-system-chromium.mjs
          args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--disable-quic',
            // WebRTC on loopback needs both (docs/ARCHITECTURE.md, browser tests)
            '--allow-loopback-in-peer-connection', '--use-fake-ui-for-media-stream']
        }
      }
    }
  },
  dependencyCheck: {
    ignore: ['aegir']
  }
}
