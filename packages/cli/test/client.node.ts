import { execFile } from 'node:child_process'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { publicKeyFromProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { expect } from 'aegir/chai'
import { base64 } from 'multiformats/bases/base64'
import { nodeForSuite, startListener } from './client-fixtures.node.js'
import { tempDirPerTest } from './fixtures/nodes.js'
import { BinProcess, runBin } from './fixtures/process.js'
import type { Socket } from 'node:net'

const SOME_PEER = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

describe('libp2p id', function () {
  this.timeout(60_000)
  const temp = tempDirPerTest('libp2p-id-')

  it('prints the peer id and public key of a key file it creates (mode 0600), the same on every run', async () => {
    const file = join(temp.dir(), 'id.key')
    const first = await runBin(['id', '--key', file])
    expect(first.code, first.stderr).to.equal(0)
    expect(first.stderr).to.include(`created identity ${file}`)
    expect((await stat(file)).mode & 0o777).to.equal(0o600)
    const [, id] = first.stdout.match(/^peer id (12D3KooW\S+)$/m) ?? []
    expect(id).to.be.a('string')
    const second = await runBin(['id', '--key', file, '--json'])
    expect(second.code, second.stderr).to.equal(0)
    const json = JSON.parse(second.stdout)
    expect(json).to.include({ id, type: 'Ed25519' })
    // the multibase public key is the protobuf key of that very peer id
    expect(peerIdFromPublicKey(publicKeyFromProtobuf(base64.decode(json.publicKey))).toString()).to.equal(id)
    expect(second.stderr).to.equal('')
  })

  it('without --key prints a fresh identity each time and writes nothing', async () => {
    const [a, b] = await Promise.all([runBin(['id', '--json']), runBin(['id', '--json'])])
    expect(a.code).to.equal(0)
    expect(JSON.parse(a.stdout).id).to.not.equal(JSON.parse(b.stdout).id)
  })

  it('exits 1 with the error for a key file that is not a key', async () => {
    const file = join(temp.dir(), 'not-a-key')
    await writeFile(file, 'hello')
    const result = await runBin(['id', '--key', file])
    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(/^\w+Error: /)
    expect(await readFile(file, 'utf8')).to.equal('hello')
  })
})

describe('libp2p ping and listen against a libp2p node process', function () {
  this.timeout(90_000)
  const node = nodeForSuite()

  it('pings the node over TCP and over WebSockets', async () => {
    for (const addr of [node().tcp, node().ws]) {
      const result = await runBin(['ping', addr, '--count', '2'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout.match(/pong from \S+: [\d.]+ ms/g), addr).to.have.length(2)
      // piped: no progress line on stderr
      expect(result.stderr).to.equal('')
    }
  })

  it('--json prints one object per pong', async () => {
    const result = await runBin(['ping', node().tcp, '--count', '1', '--json'])
    expect(result.code, result.stderr).to.equal(0)
    const pong = JSON.parse(result.stdout)
    expect(pong.from).to.equal(node().tcp)
    expect(pong.rtt).to.be.a('number')
  })

  it('listen --relay reserves on the node and prints its circuit address, which another client pings; Ctrl-C ends it', async () => {
    const listener = await startListener(['--listen', '/ip4/127.0.0.1/tcp/0', '--relay', node().tcp], /\S+\/p2p-circuit\/p2p\/\S+/)
    try {
      // a circuit through the relay it was told to use, ending with its own id
      expect(listener.addr).to.equal(`${node().tcp}/p2p-circuit/p2p/${listener.peerId}`)
      const result = await runBin(['ping', listener.addr, '--count', '2'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout.match(/pong from/g)).to.have.length(2)
      await listener.proc.waitFor('stdout', /connected: /)
    } finally {
      expect(await listener.proc.stop()).to.equal(0)
    }
    expect(listener.proc.stdout).to.not.include('no longer listening')
  })

  it('pings a listener over WebRTC-Direct', async () => {
    const listener = await startListener(['--listen', '/ip4/127.0.0.1/udp/0/webrtc-direct'], /\/ip4\/127\.0\.0\.1\/udp\/\d+\/webrtc-direct\/certhash\/\S+/)
    try {
      const result = await runBin(['ping', listener.addr, '--count', '2'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout.match(/pong from/g)).to.have.length(2)
    } finally {
      expect(await listener.proc.stop()).to.equal(0)
    }
  })

  it('listen --relay on a relay that does not answer exits 1 naming why', async () => {
    const result = await runBin(['listen', '--listen', '/ip4/127.0.0.1/tcp/0', '--relay', `/ip4/127.0.0.1/tcp/1/p2p/${SOME_PEER}`])
    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(/^\w+Error: .*could not listen/)
    expect(result.stderr).to.include('ECONNREFUSED')
  })
})

describe('libp2p ping over wss and WebRTC-Direct to a libp2p node process', function () {
  this.timeout(90_000)
  const temp = tempDirPerTest('libp2p-client-tls-')

  it('pings the node at its /tls/ws address (the certificate trusted through NODE_EXTRA_CA_CERTS) and at its WebRTC-Direct address', async () => {
    const dir = temp.dir()
    const cert = join(dir, 'node.crt')
    const key = join(dir, 'node.key')
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert])
    const node = new BinProcess(['node', '--data-dir', join(dir, 'data'), '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--listen', '/ip4/127.0.0.1/udp/0/webrtc-direct',
      '--tls-cert', cert, '--tls-key', key])
    try {
      const [, wss] = await node.waitFor('stdout', /listening on (\/ip4\/127\.0\.0\.1\/tcp\/\d+\/tls\/ws\/p2p\/\S+)/)
      const [, webrtc] = await node.waitFor('stdout', /listening on (\/ip4\/127\.0\.0\.1\/udp\/\d+\/webrtc-direct\/certhash\/\S+)/)
      const trusted = await runBin(['ping', wss, '--count', '1'], { NODE_EXTRA_CA_CERTS: cert })
      expect(trusted.code, trusted.stderr).to.equal(0)
      expect(trusted.stdout).to.match(/pong from \S+\/tls\/ws\/\S+: [\d.]+ ms/)
      // without the certificate trusted, the TLS handshake fails and says so
      const untrusted = await runBin(['ping', wss, '--count', '1', '--timeout', '5000'])
      expect(untrusted.code).to.equal(1)
      expect(untrusted.stderr).to.match(/^\w+Error: /)
      const direct = await runBin(['ping', webrtc, '--count', '2'])
      expect(direct.code, direct.stderr).to.equal(0)
      expect(direct.stdout.match(/pong from \S+\/webrtc-direct\/\S+: [\d.]+ ms/g)).to.have.length(2)
    } finally {
      expect(await node.stop()).to.equal(0)
    }
  })
})

describe('libp2p client commands: failures', function () {
  this.timeout(90_000)

  it('usage errors exit 2 with a message naming the command, before any network', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['ping'], /libp2p ping: a multiaddr to ping is required/],
      [['ping', 'not-an-address'], /libp2p ping: the address not-an-address is not a multiaddr/],
      [['ping', `/ip4/127.0.0.1/tcp/1/p2p/${SOME_PEER}`, '--timeout', '0'], /--timeout must be a whole number from 1/],
      [['ping', '/ip4/127.0.0.1/tcp/1', 'extra'], /libp2p ping: unexpected argument extra/],
      [['id', '--bogus'], /libp2p id: Unknown option '--bogus'/],
      [['listen', '--relay', '/ip4/127.0.0.1/tcp/1'], /--relay \/ip4\/127\.0\.0\.1\/tcp\/1 has no \/p2p\/<relay peer id>/],
      [['dht'], /libp2p dht: a subcommand is required/],
      [['dht', 'fetch'], /unknown command dht fetch/],
      [['dht', 'get', SOME_PEER], /no bootstrap peer: give --bootstrap <multiaddr> or set LIBP2P_BOOTSTRAP/],
      [['dht', 'get', '/app/x', '--bootstrap', '/ip4/127.0.0.1/tcp/1'], /neither \/ipns\/<peer id> nor \/pk\/<peer id>/],
      [['dht', 'get', 'nope', '--bootstrap', '/ip4/127.0.0.1/tcp/1'], /nope is not a peer id/],
      [['dht', 'provide', 'not-a-cid', '--bootstrap', '/ip4/127.0.0.1/tcp/1'], /not-a-cid is not a CID/],
      [['dht', 'put', '--bootstrap', '/ip4/127.0.0.1/tcp/1'], /libp2p dht put: a value is required/],
      [['dht', 'put', 'v', '--lifetime', 'x', '--bootstrap', '/ip4/127.0.0.1/tcp/1'], /--lifetime must be a whole number/],
      [['dht', 'find-peer', SOME_PEER, '--bootstrap', 'garbage'], /--bootstrap garbage is not a multiaddr/]
    ]
    const results = await Promise.all(cases.map(async ([args]) => runBin(args)))
    results.forEach((result, i) => {
      const [args, message] = cases[i]
      expect(result.code, args.join(' ')).to.equal(2)
      expect(result.stderr, args.join(' ')).to.match(message)
      expect(result.stdout, args.join(' ')).to.equal('')
    })
  })

  it('--help and help <command> print each command\'s text, dht subcommands included', async () => {
    for (const [args, head] of [[['dht', 'put', '--help'], 'usage: libp2p dht put <value>'], [['help', 'dht', 'find-peer'], 'usage: libp2p dht find-peer'],
      [['help', 'dht'], 'usage: libp2p dht <get|put|provide|find-providers|find-peer>'], [['listen', '-h'], 'usage: libp2p listen'], [['help', 'id'], 'usage: libp2p id']] as const) {
      const result = await runBin([...args])
      expect(result.code, args.join(' ')).to.equal(0)
      expect(result.stdout.startsWith(head), args.join(' ')).to.equal(true)
    }
  })

  it('a dial to a dead address exits 1 with the error\'s name and message', async () => {
    const result = await runBin(['ping', `/ip4/127.0.0.1/tcp/1/p2p/${SOME_PEER}`])
    expect(result.code).to.equal(1)
    expect(result.stderr).to.match(/^DialError: .*ECONNREFUSED/)
    const dht = await runBin(['dht', 'find-peer', SOME_PEER, '--bootstrap', `/ip4/127.0.0.1/tcp/1/p2p/${SOME_PEER}`])
    expect(dht.code).to.equal(1)
    expect(dht.stderr).to.match(/^DialError: .*ECONNREFUSED/)
  })

  it('an address that accepts but never answers ends in a TimeoutError after --timeout', async () => {
    // a TCP server that takes connections and says nothing: the dial's handshake waits on it
    const sockets = new Set<Socket>()
    const server = createServer(socket => {
      sockets.add(socket)
      // the client resets it when it gives up: expected, not a failure of this process
      socket.on('error', () => {})
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    try {
      const result = await runBin(['ping', `/ip4/127.0.0.1/tcp/${port}/p2p/${SOME_PEER}`, '--timeout', '1000'])
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(/^\w+Error: /)
      expect(result.stderr).to.match(/within 1000 ms|timed out|timeout/i)
      const dht = await runBin(['dht', 'get', SOME_PEER, '--bootstrap', `/ip4/127.0.0.1/tcp/${port}/p2p/${SOME_PEER}`, '--timeout', '1000'])
      expect(dht.code).to.equal(1)
      expect(dht.stderr).to.match(/within 1000 ms|timed out|timeout/i)
    } finally {
      for (const s of sockets) { s.destroy() }
      await new Promise(resolve => server.close(resolve))
    }
  })
})
