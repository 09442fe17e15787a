import shared from '../../.aegir.js'

export default {
  ...shared,
  dependencyCheck: {
    // the tests start the cli package's `libp2p node` bin, found through import.meta.resolve;
    // esbuild bundles the app at build time (scripts/bundle.mjs), nothing imports it at runtime
    ignore: [...shared.dependencyCheck.ignore, '@libp2p/cli', 'esbuild']
  }
}
