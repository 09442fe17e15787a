import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import type { Identify } from '@libp2p/identify'
import type { Ping } from '@libp2p/ping'
import type { Libp2p } from 'libp2p'
import type { ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'

const BIN = fileURLToPath(new URL('../src/bin.js', import.meta.url))

type Relay = ChildProcessByStdio<null, Readable, Readable>

/** starts `libp2p-node relay` and resolves with its peer id and addresses once it printed them */
async function startRelayProcess (args: string[]): Promise<{ proc: Relay, peerId: string, addrs: string[], out(): string }> {
  const proc = spawn(process.execPath, [BIN, 'relay', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const ready = await new Promise<{ peerId: string, addrs: string[] }>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`the relay printed no address in 20 s: ${out}`)) }, 20_000)
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the relay exited with ${code}: ${out}`)) })
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const id = out.match(/peer id (\S+)/)
      const addrs = [...out.matchAll(/listening on (\S+)/g)].map(m => m[1])
      // both listen addresses are printed together, after the peer id
      if (id != null && addrs.length >= 2) {
        clearTimeout(timer)
        resolve({ peerId: id[1], addrs })
      }
    })
  })
  return { proc, ...ready, out: () => out }
}

async function stopRelayProcess (proc: Relay): Promise<number | null> {
  if (proc.exitCode != null) { return proc.exitCode }
  const exited = once(proc, 'exit')
  proc.kill('SIGTERM')
  const [code] = await exited
  return code
}

async function clientNode (listen: string[] = []): Promise<Libp2p<{ identify: Identify, ping: Ping }>> {
  return createLibp2p({
    addresses: { listen },
    transports: [tcp(), webSockets(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() }
  })
}

describe('libp2p-node relay', function () {
  this.timeout(60_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'libp2p-relay-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('relays: a peer reserves over WebSockets and another reaches it through the relay over TCP; SIGTERM stops it cleanly', async () => {
    const relay = await startRelayProcess(['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws'])
    const nodes = []
    try {
      const tcpAddr = relay.addrs.find(a => !a.includes('/ws'))
      const wsAddr = relay.addrs.find(a => a.includes('/ws'))
      expect(tcpAddr).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/)
      expect(wsAddr).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3KooW/)
      // the listener reserves a slot through the relay's WebSocket address, as a browser would
      const listener = await clientNode([`${wsAddr}/p2p-circuit`])
      nodes.push(listener)
      // it is announced under every address the relay gave in its reservation
      const circuits = listener.getMultiaddrs().map(String).filter(a => a.includes('/p2p-circuit'))
      expect(circuits).to.include.members([`${wsAddr}/p2p-circuit/p2p/${listener.peerId.toString()}`, `${tcpAddr}/p2p-circuit/p2p/${listener.peerId.toString()}`])
      const dialer = await clientNode()
      nodes.push(dialer)
      const viaTcp = multiaddr(`${tcpAddr}/p2p-circuit/p2p/${listener.peerId.toString()}`)
      expect(await dialer.services.ping.ping(viaTcp)).to.be.a('number')
      const connection = dialer.getConnections(listener.peerId)[0]
      expect(connection.limits).to.not.equal(undefined)
    } finally {
      await Promise.all(nodes.map(async n => n.stop()))
      expect(await stopRelayProcess(relay.proc)).to.equal(0)
    }
  })

  it('--key: creates the identity readable by its owner only, and keeps the peer id across restarts', async () => {
    const keyFile = join(dir, 'relay.key')
    const first = await startRelayProcess(['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--key', keyFile])
    expect(await stopRelayProcess(first.proc)).to.equal(0)
    expect(first.out()).to.include(`created identity ${keyFile}`)
    expect((await stat(keyFile)).mode & 0o777).to.equal(0o600)
    const second = await startRelayProcess(['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--key', keyFile])
    expect(await stopRelayProcess(second.proc)).to.equal(0)
    expect(second.peerId).to.equal(first.peerId)
    expect(second.out()).to.not.include('created identity')
  })

  it('refuses a bad --max-reservations and a key file that is not a key, exiting 1', async () => {
    for (const args of [['--max-reservations', '0'], ['--key', fileURLToPath(import.meta.url)]]) {
      const proc = spawn(process.execPath, [BIN, 'relay', '--listen', '/ip4/127.0.0.1/tcp/0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      let err = ''
      proc.stderr.on('data', (d: Buffer) => { err += d.toString() })
      const [code] = await once(proc, 'exit')
      expect(code, err).to.equal(1)
      expect(err).to.not.equal('')
    }
  })
})
