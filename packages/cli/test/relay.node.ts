import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createLibp2p } from 'libp2p'
import { relayClient, tempDirPerTest } from './fixtures/nodes.js'
import { BinProcess, runBin } from './fixtures/process.js'
import { selfSigned } from './fixtures/tls.js'

/** starts `libp2p relay` and resolves once it printed its peer id and both listen addresses */
async function startRelayProcess (args: string[]): Promise<{ proc: BinProcess, peerId: string, addrs: string[], out(): string }> {
  const proc = new BinProcess(['relay', ...args])
  let peerId: string
  try {
    [, peerId] = await proc.waitFor('stdout', /peer id (\S+)/)
    // both listen addresses are printed together, after the peer id
    await proc.waitFor('stdout', /listening on \S+\n[^]*listening on \S+\n/)
  } catch (err) {
    await proc.stop()
    throw err
  }
  const addrs = [...proc.stdout.matchAll(/listening on (\S+)/g)].map(m => m[1])
  return { proc, peerId, addrs, out: () => proc.stdout + proc.stderr }
}

describe('libp2p relay', function () {
  this.timeout(60_000)
  const temp = tempDirPerTest('libp2p-relay-')

  it('relays: a peer reserves over WebSockets and another reaches it through the relay over TCP; SIGTERM stops it cleanly', async () => {
    const relay = await startRelayProcess(['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws'])
    const nodes = []
    try {
      const tcpAddr = relay.addrs.find(a => !a.includes('/ws'))
      const wsAddr = relay.addrs.find(a => a.includes('/ws'))
      expect(tcpAddr).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW/)
      expect(wsAddr).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3KooW/)
      // the listener reserves a slot through the relay's WebSocket address, as a browser would
      const listener = await relayClient([`${wsAddr}/p2p-circuit`])
      nodes.push(listener)
      // it is announced under every address the relay gave in its reservation
      const circuits = listener.getMultiaddrs().map(String).filter(a => a.includes('/p2p-circuit'))
      expect(circuits).to.include.members([`${wsAddr}/p2p-circuit/p2p/${listener.peerId.toString()}`, `${tcpAddr}/p2p-circuit/p2p/${listener.peerId.toString()}`])
      const dialer = await relayClient()
      nodes.push(dialer)
      const viaTcp = multiaddr(`${tcpAddr}/p2p-circuit/p2p/${listener.peerId.toString()}`)
      expect(await dialer.services.ping.ping(viaTcp)).to.be.a('number')
      const connection = dialer.getConnections(listener.peerId)[0]
      expect(connection.limits).to.not.equal(undefined)
    } finally {
      await Promise.all(nodes.map(async n => n.stop()))
      expect(await relay.proc.stop()).to.equal(0)
    }
  })

  it('--tls-cert/--tls-key: serves wss at a /tls/ws address, which a client trusting the certificate pings; one flag alone exits 2', async () => {
    const dir = temp.dir()
    const { cert, key } = await selfSigned(dir, 'relay', 30)
    const relay = await startRelayProcess(['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--tls-cert', cert, '--tls-key', key])
    const client = await createLibp2p({
      addresses: { listen: [] },
      transports: [webSockets({ tlsClientOptions: { ca: await readFile(cert, 'utf8') } })],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { ping: ping() }
    })
    try {
      const wss = relay.addrs.find(a => a.includes('/tls/ws/'))
      expect(wss).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/tls\/ws\/p2p\//)
      await relay.proc.waitFor('stdout', /wss certificate for .*IP Address:127\.0\.0\.1.*, valid until \d{4}-/)
      expect(await client.services.ping.ping(multiaddr(wss))).to.be.a('number')
    } finally {
      await client.stop()
      expect(await relay.proc.stop()).to.equal(0)
    }
    const alone = await runBin(['relay', '--listen', '/ip4/127.0.0.1/tcp/0', '--tls-cert', cert])
    expect(alone.code).to.equal(2)
    expect(alone.stderr).to.match(/--tls-cert and --tls-key go together/)
  })

  it('--key: creates the identity readable by its owner only, and keeps the peer id across restarts', async () => {
    const dir = temp.dir()
    const keyFile = join(dir, 'relay.key')
    const first = await startRelayProcess(['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--key', keyFile])
    expect(await first.proc.stop()).to.equal(0)
    expect(first.out()).to.include(`created identity ${keyFile}`)
    expect((await stat(keyFile)).mode & 0o777).to.equal(0o600)
    const second = await startRelayProcess(['--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--key', keyFile])
    expect(await second.proc.stop()).to.equal(0)
    expect(second.peerId).to.equal(first.peerId)
    expect(second.out()).to.not.include('created identity')
  })

  it('refuses a bad --max-reservations (a usage error: exit 2) and a key file that is not a key (exit 1)', async () => {
    for (const [args, code] of [[['--max-reservations', '0'], 2], [['--key', fileURLToPath(import.meta.url)], 1]] as const) {
      const result = await runBin(['relay', '--listen', '/ip4/127.0.0.1/tcp/0', ...args])
      expect(result.code, result.stderr).to.equal(code)
      expect(result.stderr).to.not.equal('')
    }
  })
})
