// Shared aegir configuration; each package's .aegir.js re-exports this.
export default {
  build: {
    bundle: false
  },
  test: {
    // `npm test` builds every package once first; a rebuild per package and target would double CI time.
    // Run `npx aegir build --no-bundle` (or `npm run build` at the root) before `aegir test` by hand.
    build: false,
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
