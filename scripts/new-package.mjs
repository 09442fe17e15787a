// Creates the skeleton of a workspace package: package.json, tsconfig.json, .aegir.js, src/index.ts,
// and adds it to the root tsconfig.json's references.
// Usage: node scripts/new-package.mjs <folder> <npm-name> "<description>" [dep@version|workspace-name ...]
import fs from 'node:fs'
import path from 'node:path'

const [folder, name, description, ...deps] = process.argv.slice(2)
if (folder == null || name == null) {
  console.error('usage: new-package.mjs <folder> <name> <description> [deps...]')
  process.exit(1)
}
const dir = path.join('packages', folder)
const workspaces = new Map()
for (const f of fs.readdirSync('packages')) {
  const pj = path.join('packages', f, 'package.json')
  if (fs.existsSync(pj)) workspaces.set(JSON.parse(fs.readFileSync(pj, 'utf8')).name, f)
}
const dependencies = {}
const references = []
for (const d of deps) {
  if (workspaces.has(d)) {
    dependencies[d] = '0.1.0'
    references.push({ path: `../${workspaces.get(d)}` })
  } else {
    const at = d.lastIndexOf('@')
    dependencies[d.slice(0, at)] = d.slice(at + 1)
  }
}
fs.mkdirSync(path.join(dir, 'src'), { recursive: true })
fs.mkdirSync(path.join(dir, 'test'), { recursive: true })
const pkg = {
  name,
  version: '0.1.0',
  description,
  license: 'Apache-2.0 OR MIT',
  homepage: 'https://example.invalid/libp2p-ts',
  repository: { type: 'git', url: 'https://example.invalid/libp2p-ts.git' },
  type: 'module',
  types: './dist/src/index.d.ts',
  files: ['src', 'dist', '!dist/test', '!**/*.tsbuildinfo'],
  exports: { '.': { types: './dist/src/index.d.ts', import: './dist/src/index.js' } },
  engines: { node: '>=20.19' },
  scripts: {
    build: 'aegir build --no-bundle',
    test: 'aegir test -t node -t browser',
    'test:node': "aegir test -t node -f 'dist/test/**/*.spec.js' -f 'dist/test/**/*.node.js'",
    'test:browser': "aegir test -t browser -f 'dist/test/**/*.spec.js' -f 'dist/test/**/*.browser.js'",
    lint: 'aegir lint',
    clean: 'aegir clean'
  },
  dependencies
}
fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n')
fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
  extends: '../../tsconfig.base.json',
  compilerOptions: { outDir: 'dist' },
  include: ['src', 'test'],
  references
}, null, 2) + '\n')
fs.writeFileSync(path.join(dir, '.aegir.js'), "export { default } from '../../.aegir.js'\n")
if (!fs.existsSync(path.join(dir, 'src/index.ts'))) fs.writeFileSync(path.join(dir, 'src/index.ts'), 'export {}\n')
// the root tsconfig.json (`npx tsc -b` from the root) references every package
const rootTsconfig = JSON.parse(fs.readFileSync('tsconfig.json', 'utf8'))
const ref = `packages/${folder}`
if (!rootTsconfig.references.some(r => r.path === ref)) {
  rootTsconfig.references = [...rootTsconfig.references, { path: ref }].sort((a, b) => a.path.localeCompare(b.path))
  fs.writeFileSync('tsconfig.json', JSON.stringify(rootTsconfig, null, 2) + '\n')
}
