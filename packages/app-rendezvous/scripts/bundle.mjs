// Bundles the compiled app (dist/src/main.js) for browsers with esbuild into dist/app/app.js, next to
// static/index.html and static/style.css: dist/app/ is the folder a web server serves as /app/,
// with the node's config.json beside it. Nothing is loaded from elsewhere at runtime.
//
//   node scripts/bundle.mjs      (npm run build runs it after tsc)
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const OUT_DIR = path.join(PACKAGE_DIR, 'dist', 'app')

const result = await esbuild.build({
  entryPoints: [path.join(PACKAGE_DIR, 'dist', 'src', 'main.js')],
  outfile: path.join(OUT_DIR, 'app.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  // a browser has no `process`: library code that reads process.env (a debug switch, NODE_ENV)
  // sees an empty object instead of throwing a ReferenceError that stops the page
  define: { 'process.env': '{}' },
  metafile: true,
  logLevel: 'warning'
})
for (const file of ['index.html', 'style.css']) {
  await fs.copyFile(path.join(PACKAGE_DIR, 'static', file), path.join(OUT_DIR, file))
}
const bytes = Object.entries(result.metafile.outputs).find(([name]) => name.endsWith('app.js'))?.[1].bytes
console.log(`dist/app/app.js: ${bytes} bytes`)
