import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'aegir/chai'

/** bundles dist/src/index.js for browsers with esbuild (aegir's) and returns the input files */
async function browserBundleInputs (): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ws-bundle-'))
  try {
    const meta = join(dir, 'meta.json')
    await promisify(execFile)('npx', ['--no-install', 'esbuild', 'dist/src/index.js', '--bundle', '--platform=browser',
      '--format=esm', `--metafile=${meta}`, `--outfile=${join(dir, 'out.js')}`, '--log-level=error'])
    return Object.keys(JSON.parse(await readFile(meta, 'utf8')).inputs)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

describe('the browser bundle', () => {
  it('uses the browser transport and pulls in neither ws nor node: modules', async function () {
    this.timeout(30_000)
    const inputs = await browserBundleInputs()
    const ours = inputs.filter(i => i.startsWith('dist/src/')).sort()
    expect(ours).to.include.members(['dist/src/transport.browser.js', 'dist/src/connect.browser.js', 'dist/src/connection.browser.js'])
    for (const nodeOnly of ['transport.js', 'connect.js', 'connection.js', 'listener.js', 'socket-addrs.js']) {
      expect(ours).to.not.include(`dist/src/${nodeOnly}`)
    }
    expect(inputs.filter(i => /node_modules\/ws\/|^node:/.test(i))).to.deep.equal([])
  })
})
