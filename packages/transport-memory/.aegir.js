import shared from '../../.aegir.js'

export default {
  ...shared,
  dependencyCheck: {
    ...shared.dependencyCheck,
    // the demo (examples/) uses the compliance package's recording upgrader, a devDependency
    productionIgnorePatterns: ['/benchmark', '/benchmarks', '/dist', '/test', '/examples', '.aegir.js']
  }
}
