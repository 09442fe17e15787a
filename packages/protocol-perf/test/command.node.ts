import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import { tcpAddress } from '../src/command.js'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'

const BIN = fileURLToPath(new URL('../src/bin.js', import.meta.url))
/** the PeerId of an Ed25519 key from an all-zero seed: test-plans' perf servers (go) use it */
const FIXED_PEER_ID = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

interface Run { code: number | null, stdout: string, stderr: string }

async function run (args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args])
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const [code] = await once(child, 'exit')
  return { code, stdout, stderr }
}

/** resolves with the first match of `re` in the child's stderr */
async function waitForStderr (child: ChildProcessWithoutNullStreams, re: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = ''
    const onData = (d: Buffer): void => {
      text += d.toString()
      const m = text.match(re)
      if (m != null) {
        child.stderr.off('data', onData)
        resolve(m)
      }
    }
    child.stderr.on('data', onData)
    child.once('exit', (code) => { reject(new Error(`exited with ${code} before printing ${re}: ${text}`)) })
  })
}

describe('perf command', () => {
  let server: ChildProcessWithoutNullStreams | undefined
  let serverAddress: string

  before(async () => {
    server = spawn(process.execPath, [BIN, '--run-server', '--server-address', '127.0.0.1:0'])
    const [, port, peerId] = await waitForStderr(server, /listening on \/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\/(\S+)/)
    expect(peerId).to.equal(FIXED_PEER_ID)
    serverAddress = `127.0.0.1:${port}`
  })

  after(async () => {
    if (server == null) { return }
    const exited = once(server, 'exit')
    server.kill('SIGTERM')
    const [code] = await exited
    // it stops cleanly on SIGTERM
    expect(code).to.equal(0)
  })

  it('measures upload and download and prints test-plans JSON lines', async () => {
    const up = 5 * 1024 * 1024 + 3
    const down = 3 * 1024 * 1024 + 7
    const result = await run(['--server-address', serverAddress, '--transport', 'tcp', '--upload-bytes', String(up), '--download-bytes', String(down)])
    expect(result.code, result.stderr).to.equal(0)
    const lines = result.stdout.trim().split('\n').map(line => JSON.parse(line))
    const final = lines[lines.length - 1]
    expect(final).to.have.keys(['type', 'timeSeconds', 'uploadBytes', 'downloadBytes'])
    expect(final).to.include({ type: 'final', uploadBytes: up, downloadBytes: down })
    expect(final.timeSeconds).to.be.a('number').and.greaterThan(0)
    for (const line of lines.slice(0, -1)) {
      expect(line.type).to.equal('intermediary')
      expect(line).to.have.keys(['type', 'timeSeconds', 'uploadBytes', 'downloadBytes'])
    }
  })

  it('measures zero bytes', async () => {
    const result = await run(['--server-address', serverAddress, '--transport', 'tcp', '--upload-bytes', '0', '--download-bytes', '0'])
    expect(result.code, result.stderr).to.equal(0)
    const lines = result.stdout.trim().split('\n').map(line => JSON.parse(line))
    expect(lines[lines.length - 1]).to.include({ type: 'final', uploadBytes: 0, downloadBytes: 0 })
  })

  it('fails with exit code 1 on bad arguments', async () => {
    for (const args of [
      ['--server-address', serverAddress, '--transport', 'quic-v1', '--upload-bytes', '1', '--download-bytes', '1'],
      ['--server-address', 'localhost', '--upload-bytes', '1', '--download-bytes', '1'],
      ['--server-address', serverAddress, '--upload-bytes', '-1', '--download-bytes', '1'],
      ['--upload-bytes', '1']
    ]) {
      const result = await run(args)
      expect(result.code, args.join(' ')).to.equal(1)
      expect(result.stdout).to.equal('')
    }
  })

  it('parses ip:port and [ip6]:port', () => {
    expect(tcpAddress('0.0.0.0:4001').toString()).to.equal('/ip4/0.0.0.0/tcp/4001')
    expect(tcpAddress('[::1]:4001').toString()).to.equal('/ip6/::1/tcp/4001')
    for (const bad of ['example.com:4001', '1.2.3.4', '1.2.3.4:70000', '::1:4001']) {
      expect(() => tcpAddress(bad), bad).to.throw().with.property('name', 'InvalidParametersError')
    }
  })
})
