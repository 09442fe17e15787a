// Packs every workspace package with `npm pack`, in dependency order, so that a project outside
// this repository can install them (see "Use the packages in your own project" in README.md).
//
// Usage: node scripts/pack.mjs [--out DIR] [--no-build] [--clean] [--only NAME,...]
//        (root script: npm run pack:all)
//
// - --only packs the named packages and the workspace packages they need, nothing else;
// - builds first (`npm run build`) unless --no-build; with --clean empties every dist/ before;
// - writes one tarball per package into DIR (default .packed/ in the repo root, gitignored),
//   under a name without the version (@libp2p/tcp -> libp2p-tcp.tgz, libp2p -> libp2p.tgz), so a
//   `file:` dependency on it survives a version bump; tarballs of an earlier run are removed;
// - checks each tarball: every file its package.json "exports"/"types"/"browser" map points at is
//   in it, and nothing from test/ or dist/test/, no .tsbuildinfo, no dist/src output whose source
//   file is gone (left over from an earlier build);
// - writes DIR/index.json: per package, in dependency order, its version, tarball and the
//   workspace packages it needs at run time (the whole closure), which scripts/test-examples.mjs
//   and anyone installing a subset of the tarballs can use.
// Exits non-zero on the first failure.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const RUNTIME_DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies']
const FORBIDDEN = [/^test\//, /^dist\/test\//, /\.tsbuildinfo$/]

function fail (message) {
  console.error(`pack: ${message}`)
  process.exit(1)
}

function parseArgs (argv) {
  const args = { out: path.join(root, '.packed'), build: true, clean: false }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') args.out = path.resolve(argv[++i] ?? fail('--out needs a folder'))
    else if (argv[i] === '--no-build') args.build = false
    else if (argv[i] === '--clean') args.clean = true
    else if (argv[i] === '--only') args.only = (argv[++i] ?? fail('--only needs package names')).split(',')
    else fail(`unknown argument '${argv[i]}' (use --out DIR, --no-build, --clean, --only NAME,...)`)
  }
  return args
}

/** the workspace packages: { name, version, dir, manifest } by name */
export function workspacePackages () {
  const rootManifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
  const packages = new Map()
  for (const pattern of rootManifest.workspaces ?? []) {
    if (!pattern.endsWith('/*')) fail(`workspace pattern '${pattern}' is not of the form 'folder/*'`)
    const parent = path.join(root, pattern.slice(0, -2))
    for (const entry of fs.readdirSync(parent, { withFileTypes: true })) {
      const file = path.join(parent, entry.name, 'package.json')
      if (!entry.isDirectory() || !fs.existsSync(file)) continue
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8'))
      if (manifest.private === true) continue
      packages.set(manifest.name, { name: manifest.name, version: manifest.version, dir: path.dirname(file), manifest })
    }
  }
  return packages
}

/** the workspace packages `pkg` needs at run time, directly */
function internalDeps (pkg, packages) {
  const names = new Set()
  for (const field of RUNTIME_DEP_FIELDS) {
    for (const dep of Object.keys(pkg.manifest[field] ?? {})) {
      if (packages.has(dep) && dep !== pkg.name) names.add(dep)
    }
  }
  return [...names]
}

/** packages ordered so that each comes after the workspace packages it depends on */
export function dependencyOrder (packages) {
  const order = []
  const state = new Map() // name -> 'visiting' | 'done'
  const visit = (name, trail) => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'visiting') fail(`dependency cycle: ${[...trail, name].join(' -> ')}`)
    state.set(name, 'visiting')
    for (const dep of internalDeps(packages.get(name), packages).sort()) visit(dep, [...trail, name])
    state.set(name, 'done')
    order.push(name)
  }
  for (const name of [...packages.keys()].sort()) visit(name, [])
  return order
}

/** every workspace package `name` needs at run time, directly or not */
export function closure (name, packages) {
  const seen = new Set()
  const walk = (n) => {
    for (const dep of internalDeps(packages.get(n), packages)) {
      if (!seen.has(dep)) { seen.add(dep); walk(dep) }
    }
  }
  walk(name)
  return [...seen].sort()
}

/** @libp2p/tcp -> libp2p-tcp.tgz */
export function tarballName (name) {
  return `${name.replace(/^@/, '').replace(/\//g, '-')}.tgz`
}

/** the files a package.json points at: exports targets, types/main/module, browser map values */
function entryPoints (manifest) {
  const files = new Set()
  const add = (target) => {
    if (typeof target === 'string' && !target.includes('*')) files.add(path.posix.normalize(target))
  }
  const walk = (node) => {
    if (typeof node === 'string') add(node)
    else if (node != null && typeof node === 'object') Object.values(node).forEach(walk)
  }
  walk(manifest.exports)
  add(manifest.types)
  add(manifest.main)
  add(manifest.module)
  if (manifest.browser != null && typeof manifest.browser === 'object') {
    for (const value of Object.values(manifest.browser)) add(value)
  } else {
    add(manifest.browser)
  }
  return files
}

function checkTarball (pkg, files) {
  const problems = []
  const stale = []
  const inTarball = new Set(files)
  for (const entry of entryPoints(pkg.manifest)) {
    // a browser-map entry for a test fixture swaps files that are not published, rightly
    if (FORBIDDEN.some(re => re.test(entry))) continue
    if (!inTarball.has(entry)) problems.push(`missing ${entry} (named in package.json; was the package built?)`)
  }
  for (const file of files) {
    if (FORBIDDEN.some(re => re.test(file))) problems.push(`contains ${file}`)
    // output whose source is gone (aegir build does not empty dist/): npm run clean, then build
    const compiled = /^dist\/(src\/.+?)\.(?:js|d\.ts)(?:\.map)?$/.exec(file)
    if (compiled != null && !['.ts', '.js'].some(ext => inTarball.has(compiled[1] + ext))) stale.push(file)
  }
  if (stale.length > 0) problems.push(`contains ${stale.join(', ')}, whose source is gone (pack with --clean)`)
  if (problems.length > 0) fail(`${pkg.name}: ${problems.join('; ')}`)
}

function main () {
  const args = parseArgs(process.argv.slice(2))
  if (args.clean) {
    console.log('pack: emptying every package\'s dist/ (npm run clean)')
    const clean = spawnSync('npm', ['run', 'clean'], { cwd: root, stdio: 'inherit' })
    if (clean.status !== 0) fail(`npm run clean failed (exit ${clean.status ?? clean.signal})`)
  }
  if (args.build || args.clean) {
    console.log('pack: building every package (npm run build)')
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
    if (build.status !== 0) fail(`npm run build failed (exit ${build.status ?? build.signal})`)
  }
  const packages = workspacePackages()
  let order = dependencyOrder(packages)
  if (args.only != null) {
    for (const name of args.only) if (!packages.has(name)) fail(`--only: no workspace package is called ${name}`)
    const wanted = new Set(args.only.flatMap(name => [name, ...closure(name, packages)]))
    order = order.filter(name => wanted.has(name))
  }
  fs.mkdirSync(args.out, { recursive: true })
  for (const old of fs.readdirSync(args.out)) {
    if (old.endsWith('.tgz') || old === 'index.json') fs.rmSync(path.join(args.out, old))
  }
  const index = []
  for (const name of order) {
    const pkg = packages.get(name)
    const res = spawnSync('npm', ['pack', '--json', '--pack-destination', args.out], { cwd: pkg.dir, encoding: 'utf8' })
    if (res.status !== 0) fail(`npm pack in ${path.relative(root, pkg.dir)} failed (exit ${res.status ?? res.signal}):\n${res.stderr}`)
    const [report] = JSON.parse(res.stdout)
    checkTarball(pkg, report.files.map(f => f.path))
    const file = tarballName(name)
    fs.renameSync(path.join(args.out, report.filename), path.join(args.out, file))
    index.push({ name, version: pkg.version, file, needs: closure(name, packages) })
    console.log(`pack: ${file.padEnd(40)} ${String(report.entryCount).padStart(4)} files ${(report.size / 1024).toFixed(0).padStart(6)} KiB`)
  }
  fs.writeFileSync(path.join(args.out, 'index.json'), JSON.stringify(index, null, 2) + '\n')
  console.log(`pack: ${index.length} packages in ${path.relative(process.cwd(), args.out) || '.'}`)
}

if (process.argv[1] != null && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main()
}
