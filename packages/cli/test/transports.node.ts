import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { webRTCDirect } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { LevelDatastore } from 'datastore-level'
import { Key } from 'interface-datastore'
import { createLibp2p } from 'libp2p'
import { readTlsFiles } from '../src/tls.js'
import { tempDirPerTest } from './fixtures/nodes.js'
import { BinProcess, OUTPUT_TIMEOUT_MS, runBin } from './fixtures/process.js'
import { selfSigned } from './fixtures/tls.js'
import type { Transport } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { Libp2p } from 'libp2p'

const TCP = ['--listen', '/ip4/127.0.0.1/tcp/0']
const WS = ['--listen', '/ip4/127.0.0.1/tcp/0/ws']
const WEBRTC_DIRECT = ['--listen', '/ip4/127.0.0.1/udp/0/webrtc-direct']

/** `libp2p node <args>`, once it printed its peer id and `count` addresses */
async function startNode (args: string[], count: number): Promise<{ proc: BinProcess, peerId: string, addrs: string[] }> {
  const proc = new BinProcess(['node', ...args])
  try {
    const [, peerId] = await proc.waitFor('stdout', /peer id (\S+)/)
    await proc.waitFor('stdout', new RegExp(`(listening on \\S+\\n[^]*){${count}}`))
    return { proc, peerId, addrs: [...proc.stdout.matchAll(/listening on (\S+)/g)].map(m => m[1]) }
  } catch (err) {
    await proc.stop()
    throw err
  }
}

async function client (transport: (components: any) => Transport): Promise<Libp2p<{ ping: Ping }>> {
  return createLibp2p({
    addresses: { listen: [] },
    transports: [transport],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { ping: ping() }
  })
}

describe('libp2p node transports: wss with --tls-cert/--tls-key, WebRTC-Direct with a certificate kept in the data directory', function () {
  this.timeout(60_000)
  const temp = tempDirPerTest('libp2p-transports-')

  it('serves wss with --tls-cert/--tls-key at a /tls/ws address; a client trusting the certificate pings it, one that does not is refused', async () => {
    const dir = temp.dir()
    const { cert, key } = await selfSigned(dir, 'node')
    const node = await startNode(['--data-dir', join(dir, 'data'), ...TCP, ...WS, '--tls-cert', cert, '--tls-key', key], 2)
    const clients: Libp2p[] = []
    try {
      // printed after the addresses, maybe in a later chunk
      await node.proc.waitFor('stdout', /wss certificate for .*IP Address:127\.0\.0\.1.*, valid until \d{4}-/)
      // valid for 2 days: renewal due
      await node.proc.waitFor('stderr', /warning: the TLS certificate in \S+node\.crt expires on \d{4}-\S+: renew it, then send libp2p node SIGHUP/)
      const wss = node.addrs.find(a => a.includes('/tls/ws/'))
      expect(wss).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/tls\/ws\/p2p\//)
      expect(node.addrs.filter(a => /\/ws\//.test(a) && !a.includes('/tls/'))).to.deep.equal([])

      const trusting = await client(webSockets({ tlsClientOptions: { ca: await readFile(cert, 'utf8') } }))
      clients.push(trusting)
      expect(await trusting.services.ping.ping(multiaddr(wss))).to.be.a('number')
      expect(trusting.getConnections()[0].remoteAddr.toString()).to.include('/tls/ws')

      const untrusting = await client(webSockets())
      clients.push(untrusting)
      await expect(untrusting.dial(multiaddr(wss), { signal: AbortSignal.timeout(OUTPUT_TIMEOUT_MS) })).to.eventually.be.rejected()
    } finally {
      await Promise.all(clients.map(async c => c.stop()))
      expect(await node.proc.stop()).to.equal(0)
    }
  })

  it('SIGHUP reloads --tls-cert/--tls-key on the running wss listener; a file that fails the checks keeps the current certificate and says which file', async () => {
    const dir = temp.dir()
    const a = await selfSigned(dir, 'a')
    const b = await selfSigned(dir, 'b')
    const cert = join(dir, 'live.crt')
    const key = join(dir, 'live.key')
    await copyFile(a.cert, cert)
    await copyFile(a.key, key)
    const node = await startNode(['--data-dir', join(dir, 'data'), ...TCP, ...WS, '--tls-cert', cert, '--tls-key', key], 2)
    const wss = multiaddr(node.addrs.find(a => a.includes('/tls/ws/')) ?? '')
    const clients: Libp2p[] = []
    /** a new client (no connection to reuse) that trusts only `ca`: resolves when its ping over wss is answered */
    const pingTrusting = async (ca: string): Promise<number> => {
      const c = await client(webSockets({ tlsClientOptions: { ca: await readFile(ca, 'utf8') } }))
      clients.push(c)
      return c.services.ping.ping(wss, { signal: AbortSignal.timeout(OUTPUT_TIMEOUT_MS) })
    }
    try {
      await node.proc.waitFor('stdout', /wss certificate for /)
      // a renewal caught half-written: the certificate file holds no certificate
      await writeFile(cert, '-----BEGIN CERTIFICATE-----\ntruncated\n')
      node.proc.child.kill('SIGHUP')
      await node.proc.waitFor('stderr', /warning: SIGHUP: kept the current wss certificate: the TLS certificate file \S+live\.crt holds no PEM certificate/)
      expect(await pingTrusting(a.cert)).to.be.a('number')

      await copyFile(b.cert, cert)
      await copyFile(b.key, key)
      node.proc.child.kill('SIGHUP')
      await node.proc.waitFor('stdout', /SIGHUP: wss certificate reloaded for .*IP Address:127\.0\.0\.1.*, valid until \d{4}-\S+ \(1 listener\)/)
      expect(await pingTrusting(b.cert)).to.be.a('number')
      await expect(pingTrusting(a.cert)).to.eventually.be.rejected()
      // still the same process, serving
      expect(node.proc.child.exitCode).to.equal(null)
    } finally {
      await Promise.all(clients.map(async c => c.stop()))
      expect(await node.proc.stop()).to.equal(0)
    }
  })

  it('SIGHUP without --tls-cert/--tls-key says so and the node keeps running', async () => {
    const node = await startNode(['--data-dir', join(temp.dir(), 'data'), ...TCP], 1)
    try {
      node.proc.child.kill('SIGHUP')
      await node.proc.waitFor('stdout', /SIGHUP: no --tls-cert\/--tls-key to reload, nothing changed/)
      const c = await client(tcp())
      try {
        expect(await c.services.ping.ping(multiaddr(node.addrs[0]), { signal: AbortSignal.timeout(OUTPUT_TIMEOUT_MS) })).to.be.a('number')
      } finally {
        await c.stop()
      }
    } finally {
      expect(await node.proc.stop()).to.equal(0)
    }
  })

  it('bad TLS settings: a file that cannot be read, holds no certificate or key, or a key of another certificate exits 1 naming the file; one flag alone or /tls/ws without them exits 2', async () => {
    const dir = temp.dir()
    const { cert, key } = await selfSigned(dir, 'one')
    const other = await selfSigned(dir, 'two')
    const garbage = join(dir, 'garbage.pem')
    await writeFile(garbage, 'not PEM\n')
    const data = ['--data-dir', join(dir, 'data'), ...TCP, ...WS]
    const cases: Array<[string[], number, RegExp]> = [
      [['--tls-cert', join(dir, 'missing.crt'), '--tls-key', key], 1, /TlsFileError: the TLS certificate file \S+missing\.crt cannot be read/],
      [['--tls-cert', garbage, '--tls-key', key], 1, /TlsFileError: the TLS certificate file \S+garbage\.pem holds no PEM certificate/],
      [['--tls-cert', cert, '--tls-key', garbage], 1, /TlsFileError: the TLS key file \S+garbage\.pem holds no \(unencrypted\) PEM private key/],
      [['--tls-cert', cert, '--tls-key', other.key], 1, /TlsFileError: the TLS key in \S+two\.key is not the private key of the certificate in \S+one\.crt/],
      [['--tls-cert', cert], 2, /--tls-cert and --tls-key go together/],
      [['--listen', '/ip4/127.0.0.1/tcp/0/tls/ws'], 2, /listening on \/ip4\/127\.0\.0\.1\/tcp\/0\/tls\/ws needs a certificate: give --tls-cert and --tls-key/]
    ]
    for (const [args, code, message] of cases) {
      const result = await runBin(['node', ...data, ...args])
      expect(result.code, args.join(' ') + result.stderr).to.equal(code)
      expect(result.stderr, args.join(' ')).to.match(message)
      expect(result.stdout).to.not.include('peer id')
    }
  })

  it('a certificate outside its validity, or near its end, is served with a warning', async () => {
    const { cert, key } = await selfSigned(temp.dir(), 'dated')
    const day = 86_400_000
    const now = Date.now()
    expect((await readTlsFiles(cert, key, now - 2 * day))?.warning).to.match(/is valid only from \d{4}-\S+: browsers refuse it until then/)
    expect((await readTlsFiles(cert, key, now))?.warning).to.match(/expires on \d{4}-\S+: renew it/)
    expect((await readTlsFiles(cert, key, now + 3 * day))?.warning).to.match(/expired on \d{4}-\S+: browsers refuse it/)
    const long = await selfSigned(temp.dir(), 'long', 60)
    const read = await readTlsFiles(long.cert, long.key, now)
    expect(read?.warning).to.equal(undefined)
    expect(read?.names).to.equal('IP Address:127.0.0.1, DNS:localhost')
  })

  it('WebRTC-Direct: a client pings the node at its certhash address; after a restart the peer id and the certhash are the same, kept in the datastore', async () => {
    const dir = temp.dir()
    const args = ['--data-dir', dir, ...TCP, ...WEBRTC_DIRECT]
    const certhashOf = (addrs: string[]): string => {
      const addr = addrs.find(a => a.includes('/webrtc-direct/'))
      expect(addr).to.match(/^\/ip4\/127\.0\.0\.1\/udp\/\d+\/webrtc-direct\/certhash\/u[\w-]+\/p2p\//)
      return String(addr).split('/')[7]
    }
    const first = await startNode(args, 2)
    const certhash = certhashOf(first.addrs)
    const dialer = await client(webRTCDirect())
    try {
      const addr = first.addrs.find(a => a.includes('/webrtc-direct/')) ?? ''
      expect(await dialer.services.ping.ping(multiaddr(addr))).to.be.a('number')
      expect(dialer.getConnections()[0].remoteAddr.toString()).to.include('/webrtc-direct/')
    } finally {
      await dialer.stop()
      expect(await first.proc.stop()).to.equal(0)
    }

    const datastore = new LevelDatastore(join(dir, 'datastore'))
    await datastore.open()
    try {
      const stored = new TextDecoder().decode(await datastore.get(new Key('/libp2p/webrtc-direct/certificate')))
      expect(stored).to.include('-----BEGIN CERTIFICATE-----').and.include('-----BEGIN PRIVATE KEY-----')
    } finally {
      await datastore.close()
    }

    const restarted = await startNode(args, 2)
    const again = await client(webRTCDirect())
    try {
      expect(restarted.peerId).to.equal(first.peerId)
      expect(certhashOf(restarted.addrs)).to.equal(certhash)
      const addr = restarted.addrs.find(a => a.includes('/webrtc-direct/')) ?? ''
      expect(await again.services.ping.ping(multiaddr(addr))).to.be.a('number')
    } finally {
      await again.stop()
      expect(await restarted.proc.stop()).to.equal(0)
    }
  })
})
