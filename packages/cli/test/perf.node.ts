import { expect } from 'aegir/chai'
import { runPerfCommand, tcpAddress } from '../src/perf.js'
import { BinProcess, runBin } from './fixtures/process.js'

/** the PeerId of an Ed25519 key from an all-zero seed: test-plans' perf servers (go) use it */
const FIXED_PEER_ID = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

describe('libp2p perf', function () {
  this.timeout(60_000)
  let server: BinProcess | undefined
  let serverAddress: string

  before(async () => {
    server = new BinProcess(['perf', '--run-server', '--server-address', '127.0.0.1:0'])
    const [, port, peerId] = await server.waitFor('stderr', /listening on \/ip4\/127\.0\.0\.1\/tcp\/(\d+)\/p2p\/(\S+)/)
    expect(peerId).to.equal(FIXED_PEER_ID)
    serverAddress = `127.0.0.1:${port}`
  })

  after(async () => {
    if (server == null) { return }
    // it stops cleanly on SIGTERM
    expect(await server.stop()).to.equal(0)
    // the server's stdout is for results only: it has none
    expect(server.stdout).to.equal('')
  })

  it('measures upload and download and prints test-plans JSON lines', async () => {
    const up = 5 * 1024 * 1024 + 3
    const down = 3 * 1024 * 1024 + 7
    const result = await runBin(['perf', '--server-address', serverAddress, '--transport', 'tcp', '--upload-bytes', String(up), '--download-bytes', String(down)])
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
    const result = await runBin(['perf', '--server-address', serverAddress, '--transport', 'tcp', '--upload-bytes', '0', '--download-bytes', '0'])
    expect(result.code, result.stderr).to.equal(0)
    const lines = result.stdout.trim().split('\n').map(line => JSON.parse(line))
    expect(lines[lines.length - 1]).to.include({ type: 'final', uploadBytes: 0, downloadBytes: 0 })
  })

  it('exits 1 on bad arguments, saying what is wrong on stderr and printing nothing on stdout', async () => {
    for (const args of [
      ['--server-address', serverAddress, '--transport', 'quic-v1', '--upload-bytes', '1', '--download-bytes', '1'],
      ['--server-address', serverAddress, '--upload-bytes', '-1', '--download-bytes', '1'],
      ['--server-address', serverAddress, '--upload-bytes', '1', '--download-bytes', 'ten']
    ]) {
      const result = await runBin(['perf', ...args])
      expect(result.code, args.join(' ')).to.equal(1)
      expect(result.stdout, args.join(' ')).to.equal('')
      expect(result.stderr, args.join(' ')).to.match(/^InvalidParametersError: --(transport|upload-bytes|download-bytes) /)
    }
  })

  it('refuses each bad argument with an InvalidParametersError that names it, before starting a node', async () => {
    const io = { out: () => {}, err: () => {}, untilSignal: async () => {} }
    const cases: Array<[string[], RegExp]> = [
      [['--server-address', serverAddress, '--transport', 'quic-v1', '--upload-bytes', '1', '--download-bytes', '1'], /^--transport quic-v1 is not supported/],
      [['--server-address', 'localhost', '--upload-bytes', '1', '--download-bytes', '1'], /^--server-address must be/],
      [['--upload-bytes', '1', '--download-bytes', '1'], /^--server-address is required/],
      [['--server-address', serverAddress, '--download-bytes', '1'], /^--upload-bytes must be a whole number from 0 to 9007199254740991, got nothing/],
      [['--server-address', serverAddress, '--upload-bytes', '-1', '--download-bytes', '1'], /^--upload-bytes must be a whole number .* got "-1"/],
      [['--server-address', serverAddress, '--upload-bytes=-1', '--download-bytes', '1'], /^--upload-bytes must be a whole number .* got "-1"/],
      [['--server-address', serverAddress, '--upload-bytes', 'ten', '--download-bytes', '1'], /^--upload-bytes must be a whole number .* got "ten"/],
      [['--server-address', serverAddress, '--upload-bytes', '1', '--download-bytes', '1.5'], /^--download-bytes must be a whole number .* got "1\.5"/],
      [['--server-address', serverAddress, '--upload-bytes', '1', '--download-bytes', '-0.5'], /^--download-bytes must be a whole number .* got "-0\.5"/],
      [['--server-address', serverAddress, '--upload-bytes', '1', '--download-bytes', '1e3'], /^--download-bytes must be a whole number .* got "1e3"/],
      [['--server-address', serverAddress, '--upload-bytes', '1', '--download-bytes', '9007199254740992'], /^--download-bytes must be a whole number/],
      [['--server-address', serverAddress, '--upload-bytes', '1', '--download-bytes', '1', '--bogus'], /--bogus/]
    ]
    for (const [args, message] of cases) {
      const err = await runPerfCommand(args, io).then(() => undefined, (err: Error) => err)
      expect(err, args.join(' ')).to.have.property('name', 'InvalidParametersError')
      expect(err?.message, args.join(' ')).to.match(message)
    }
  })

  it('--help prints the usage on stdout and exits 0', async () => {
    const result = await runBin(['perf', '--help'])
    expect(result.code).to.equal(0)
    expect(result.stdout).to.include('libp2p perf --run-server --server-address <ip:port>')
  })

  it('parses ip:port and [ip6]:port', () => {
    expect(tcpAddress('0.0.0.0:4001').toString()).to.equal('/ip4/0.0.0.0/tcp/4001')
    expect(tcpAddress('[::1]:4001').toString()).to.equal('/ip6/::1/tcp/4001')
    for (const bad of ['example.com:4001', '1.2.3.4', '1.2.3.4:70000', '::1:4001']) {
      expect(() => tcpAddress(bad), bad).to.throw().with.property('name', 'InvalidParametersError')
    }
  })
})
