// Bundles entry.mjs for browsers with esbuild (format esm, platform browser, minified), against
// our packages ('ours') or against js-libp2p 3.3.11 from interop/js-peer/node_modules ('js'), with
// the same options, and measures the result: minified bytes and gzipped bytes (node:zlib, default
// level), plus what would make it unusable in a page (node: imports, the `ws` package).
//
//   node interop/browser/bundle.mjs [outdir]     prints one JSON line per stack (and writes the bundles)
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import * as esbuild from 'esbuild'

export const BROWSER_DIR = path.dirname(fileURLToPath(import.meta.url))
export const ENTRY = path.join(BROWSER_DIR, 'entry.mjs')
const JS_PEER_DIR = path.resolve(BROWSER_DIR, '..', 'js-peer')

/** where each stack's packages are resolved from (esbuild walks up from here to a node_modules) */
export const RESOLVE_DIRS = {
  ours: BROWSER_DIR, // → /node_modules → workspace symlinks → packages/*/dist
  js: JS_PEER_DIR // → interop/js-peer/node_modules (libp2p 3.3.11, @libp2p/websockets 10.1.21, ...)
}

export class BundleError extends Error {
  static name = 'BundleError'
  name = 'BundleError'
}

/** `node:` specifiers left in the code (static, dynamic, require) */
const NODE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'`]node:[a-z_/]+["'`]/g

/**
 * @param {'ours'|'js'} stack
 * @param {{ minify?: boolean, entry?: string }} [opts] entry: another entry file (default entry.mjs)
 * `inputs` are the files esbuild read, `keptInputs` those with code left in the output after tree shaking.
 *
 * @returns {Promise<{ stack, code: Uint8Array, bytes, gzipBytes, ms, nodeImports: string[], nodeInputs: string[], inputs: string[], keptInputs: string[], esbuild: string }>}
 */
export async function buildBrowserBundle (stack, { minify = true, entry = ENTRY } = {}) {
  const resolveDir = RESOLVE_DIRS[stack]
  if (resolveDir == null) throw new BundleError(`unknown stack ${stack}`)
  const started = performance.now()
  const result = await esbuild.build({
    stdin: { contents: await fs.readFile(entry, 'utf8'), resolveDir, sourcefile: `${path.basename(entry, '.mjs')}-${stack}.mjs`, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'silent'
  })
  const ms = performance.now() - started
  const code = result.outputFiles[0].contents
  const text = new TextDecoder().decode(code)
  const inputs = Object.keys(result.metafile.inputs)
  return {
    stack,
    code,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    ms: Math.round(ms),
    nodeImports: [...new Set(text.match(NODE_IMPORT) ?? [])],
    nodeInputs: inputs.filter(i => i.startsWith('node:') || /(^|\/)node_modules\/ws\//.test(i)),
    inputs,
    keptInputs: Object.entries(Object.values(result.metafile.outputs)[0].inputs).filter(([, i]) => i.bytesInOutput > 0).map(([name]) => name),
    esbuild: esbuild.version
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2]
  for (const stack of ['ours', 'js']) {
    const b = await buildBrowserBundle(stack)
    if (outdir != null) {
      await fs.mkdir(outdir, { recursive: true })
      await fs.writeFile(path.join(outdir, `${stack}.js`), b.code)
    }
    console.log(JSON.stringify({ stack, bytes: b.bytes, gzipBytes: b.gzipBytes, ms: b.ms, nodeImports: b.nodeImports, nodeInputs: b.nodeInputs, esbuild: b.esbuild }))
  }
}
