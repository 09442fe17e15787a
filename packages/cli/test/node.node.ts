import { spawn } from 'node:child_process'
import { readdir, stat, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { until } from '@libp2p/interface-compliance-tests/wait'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { dhtClient, pkRecordOf } from './fixtures/dht-client.js'
import { LOOPBACK, startNodeProcess } from './fixtures/node-process.js'
import { relayClient, tempDirPerTest } from './fixtures/nodes.js'
import { OUTPUT_TIMEOUT_MS, STOP_TIMEOUT_MS, runBin } from './fixtures/process.js'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

/** resolves when nothing accepts connections on the TCP port of `addr` any more */
async function refused (addr: string): Promise<boolean> {
  const [, host, port] = addr.match(/^\/ip4\/([^/]+)\/tcp\/(\d+)/) ?? []
  return new Promise(resolve => {
    const socket = connect({ host, port: Number(port), timeout: OUTPUT_TIMEOUT_MS })
    socket.once('connect', () => { socket.destroy(); resolve(false) })
    socket.once('timeout', () => { socket.destroy(); resolve(false) })
    socket.once('error', (err: any) => { resolve(err.code === 'ECONNREFUSED') })
  })
}

describe('libp2p node', function () {
  this.timeout(60_000)
  const temp = tempDirPerTest('libp2p-node-')

  it('prints its data directory, peer id and addresses, and relays: reserved over TCP, dialled through it over WebSockets and TCP', async () => {
    const dir = temp.dir()
    const node = await startNodeProcess(['--data-dir', dir])
    const clients = []
    try {
      expect(node.dataDir).to.equal(dir)
      expect(node.proc.stdout).to.include(`created identity ${join(dir, 'identity.key')}`)
      expect((await stat(join(dir, 'identity.key'))).mode & 0o777).to.equal(0o600)
      expect(node.tcpAddr).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/)
      const listener = await relayClient([`${node.tcpAddr}/p2p-circuit`])
      clients.push(listener)
      const target = listener.peerId.toString()
      expect(listener.getMultiaddrs().map(String)).to.include(`${node.wsAddr}/p2p-circuit/p2p/${target}`)
      for (const via of [node.wsAddr, node.tcpAddr]) {
        const dialer = await relayClient()
        clients.push(dialer)
        expect(await dialer.services.ping.ping(multiaddr(`${via}/p2p-circuit/p2p/${target}`))).to.be.a('number')
        expect(dialer.getConnections(listener.peerId)[0].limits).to.not.equal(undefined)
      }
    } finally {
      await Promise.all(clients.map(async c => c.stop()))
      expect(await node.proc.stop()).to.equal(0)
    }
    expect(node.proc.stdout).to.include('stopped')
  })

  it('keeps its peer id and DHT records across a SIGTERM and restart; a second instance on the same directory fails on the lock', async () => {
    const dir = temp.dir()
    const first = await startNodeProcess(['--data-dir', dir, '--dht-lan'])
    const owner = await dhtClient()
    const { key, value } = pkRecordOf(owner)
    try {
      await owner.dial(multiaddr(first.tcpAddr))
      await until(() => owner.services.dht.routingTable.size > 0, 'the node is in the client\'s routing table', { timeout: OUTPUT_TIMEOUT_MS })
      await owner.contentRouting.put(key, value, { signal: AbortSignal.timeout(OUTPUT_TIMEOUT_MS) })

      const second = await runBin(['node', '--data-dir', dir, ...LOOPBACK])
      expect(second.code, second.stdout + second.stderr).to.equal(1)
      expect(second.stderr).to.match(/DatastoreLockedError: .*in use by another process/)
      expect(second.stderr).to.include(join(dir, 'datastore'))
      expect(second.stdout).to.not.include('peer id')
    } finally {
      await owner.stop()
      expect(await first.proc.stop()).to.equal(0)
    }

    // restarted with the default DHT address mapper (public addresses only): storing and serving
    // records does not depend on it
    const restarted = await startNodeProcess(['--data-dir', dir])
    const reader = await dhtClient()
    try {
      expect(restarted.peerId).to.equal(first.peerId)
      expect(restarted.proc.stdout).to.not.include('created identity')
      await reader.dial(multiaddr(restarted.tcpAddr))
      await until(() => reader.services.dht.routingTable.size > 0, 'the node is in the client\'s routing table', { timeout: OUTPUT_TIMEOUT_MS })
      expect(await reader.contentRouting.get(key, { signal: AbortSignal.timeout(OUTPUT_TIMEOUT_MS) })).to.deep.equal(value)
    } finally {
      await reader.stop()
      expect(await restarted.proc.stop()).to.equal(0)
    }
  })

  it('refuses a corrupt datastore with an error naming it, exiting 1, instead of starting afresh', async () => {
    const dir = temp.dir()
    const node = await startNodeProcess(['--data-dir', dir])
    expect(await node.proc.stop()).to.equal(0)
    const datastore = join(dir, 'datastore')
    for (const file of (await readdir(datastore)).filter(f => f.startsWith('MANIFEST-'))) {
      await writeFile(join(datastore, file), 'not a LevelDB manifest')
    }
    const result = await runBin(['node', '--data-dir', dir, ...LOOPBACK])
    expect(result.code, result.stdout + result.stderr).to.equal(1)
    expect(result.stderr).to.match(/DatastoreCorruptError: the datastore in \S+ is corrupt/)
    expect(result.stderr).to.include(datastore)
    expect(result.stdout).to.not.include('peer id')
  })

  it('SIGTERM to `npm start` stops the node it runs', async () => {
    const dir = temp.dir()
    // SKIP_START_BUILD: this checks signal delivery; the test run already built what it starts
    // a free HTTP port: the default 8080 may be taken by another node on the machine
    const npm = spawn('npm', ['start', '--', '--data-dir', dir, ...LOOPBACK, '--http-listen', '/ip4/127.0.0.1/tcp/0'], {
      cwd: ROOT,
      env: { ...process.env, SKIP_START_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      killSignal: 'SIGKILL'
    })
    let out = ''
    const listening = new Promise<string>((resolve, reject) => {
      npm.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = out.match(/listening on (\/ip4\/\S+\/tcp\/\d+\/p2p\/\S+)/)
        if (m != null) { resolve(m[1]) }
      })
      npm.stderr.on('data', (d: Buffer) => { out += d.toString() })
      npm.once('exit', (code) => { reject(new Error(`npm start exited with ${code} before listening: ${out}`)) })
      setTimeout(() => { reject(new Error(`npm start printed no address within ${OUTPUT_TIMEOUT_MS} ms: ${out}`)) }, OUTPUT_TIMEOUT_MS).unref()
    })
    const exited = new Promise<number | null>(resolve => npm.once('exit', resolve))
    const addr = await listening
    npm.kill('SIGTERM')
    const timer = setTimeout(() => { npm.kill('SIGKILL') }, STOP_TIMEOUT_MS)
    const code = await exited
    clearTimeout(timer)
    expect(code, out).to.equal(0)
    expect(out).to.include('stopped')
    // a node left running without its parent would still hold its port and the datastore's lock
    expect(await refused(addr)).to.equal(true)
    const again = await startNodeProcess(['--data-dir', dir])
    expect(await again.proc.stop()).to.equal(0)
  })
})
