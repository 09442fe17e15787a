import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import { disable, enable } from '../src/index.js'

// the compiled package entry, next to this file's compiled form in dist/
const entry = new URL('../src/index.js', import.meta.url).href

function run (env: Record<string, string | undefined>): string {
  const script = `
    import { defaultLogger } from ${JSON.stringify(entry)}
    const log = defaultLogger().forComponent('libp2p:tcp')
    log('dialing %a with %b', { toString: () => '/ip4/127.0.0.1/tcp/1' }, Uint8Array.from([0, 1]))
    log.error('failed %e', Object.assign(new Error('nope'), { stack: undefined }))
    defaultLogger().forComponent('other:thing')('hidden')
  `
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, DEBUG_COLORS: 'false', ...env },
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('.', import.meta.url))
  })
  expect(result.status).to.equal(0, result.stderr)
  return result.stderr
}

describe('DEBUG environment variable (Node)', () => {
  it('DEBUG=libp2p:* turns on libp2p loggers and their error namespace', () => {
    const out = run({ DEBUG: 'libp2p:*' })
    expect(out).to.include('libp2p:tcp dialing /ip4/127.0.0.1/tcp/1 with 12')
    expect(out).to.include('libp2p:tcp:error failed Error: nope')
    expect(out).to.not.include('hidden')
  })

  it('prints nothing without DEBUG', () => {
    expect(run({ DEBUG: undefined })).to.equal('')
  })

  it('enable() is persisted to process.env.DEBUG like debug does', () => {
    const previous = disable()
    try {
      enable('libp2p:persisted')
      expect(process.env.DEBUG).to.equal('libp2p:persisted')
      disable()
      expect(process.env.DEBUG).to.equal(undefined)
    } finally {
      enable(previous)
    }
  })
})
