import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { NODE_SETTINGS, envName, flagName } from '../src/node-settings.js'
import { tempDirPerTest } from './fixtures/nodes.js'
import { BinProcess, runBin } from './fixtures/process.js'
import type { Run } from './fixtures/process.js'

interface Printed { configFile?: string, settings: Record<string, { value: unknown, source: string, from?: string }> }

function printed (run: Run): Printed {
  expect(run.code, run.stderr).to.equal(0)
  return JSON.parse(run.stdout)
}

describe('libp2p node configuration (flags > config file > LIBP2P_* > defaults)', function () {
  this.timeout(60_000)
  const temp = tempDirPerTest('libp2p-config-')

  async function configFile (content: unknown): Promise<string> {
    const path = join(temp.dir(), 'node.json')
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content))
    return path
  }

  it('the setting names: flag and environment variable derive from the config key', () => {
    expect(flagName('maxReservationsPerIp')).to.equal('max-reservations-per-ip')
    expect(envName('maxReservations')).to.equal('LIBP2P_MAX_RESERVATIONS')
    expect(envName('dhtLan')).to.equal('LIBP2P_DHT_LAN')
  })

  it('the README\'s settings table has a row per setting with its flag, key, variable and default', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
    for (const s of NODE_SETTINGS) {
      const row = readme.split('\n').find(line => line.startsWith(`| \`--${flagName(s.key)}`) && line.includes(`| \`${s.key}\` |`))
      expect(row, s.key).to.be.a('string')
      expect(row).to.include(`\`${envName(s.key)}\``)
      if (typeof s.default === 'number' || typeof s.default === 'boolean') { expect(row).to.include(`\`${s.default}\``) }
      if (s.type === 'integer') { expect(row).to.include(`${s.min} to ${s.max}`) }
    }
  })

  it('--print-config shows each winner and its source, and starts nothing', async () => {
    const file = await configFile({ maxReservations: 50, maxCircuits: 40, listen: ['/ip4/127.0.0.1/tcp/0'] })
    const run = await runBin(['node', '--config', file, '--max-circuits', '9', '--print-config'], {
      LIBP2P_MAX_RESERVATIONS: '60',
      LIBP2P_MAX_CIRCUITS: '70',
      LIBP2P_MAX_CONNECTIONS: '500',
      LIBP2P_ANNOUNCE: '/dns4/a.example/tcp/4001, /dns4/a.example/tcp/4002/ws',
      LIBP2P_DHT_LAN: 'true'
    })
    const { configFile: shown, settings } = printed(run)
    expect(shown).to.equal(file)
    expect(settings.maxCircuits).to.deep.equal({ value: 9, source: 'flag', from: '--max-circuits' })
    expect(settings.maxReservations).to.deep.equal({ value: 50, source: 'config', from: file })
    expect(settings.listen).to.deep.equal({ value: ['/ip4/127.0.0.1/tcp/0'], source: 'config', from: file })
    expect(settings.maxConnections).to.deep.equal({ value: 500, source: 'env', from: 'LIBP2P_MAX_CONNECTIONS' })
    expect(settings.announce).to.deep.equal({ value: ['/dns4/a.example/tcp/4001', '/dns4/a.example/tcp/4002/ws'], source: 'env', from: 'LIBP2P_ANNOUNCE' })
    expect(settings.dhtLan).to.deep.equal({ value: true, source: 'env', from: 'LIBP2P_DHT_LAN' })
    expect(settings.maxReservationsPerIp).to.deep.equal({ value: 8, source: 'default' })
    expect(settings.key).to.deep.equal({ value: null, source: 'default' })
    expect(Object.keys(settings)).to.deep.equal(NODE_SETTINGS.map(s => s.key))
    expect(run.stdout).to.not.include('peer id')
  })

  it('the connection manager\'s admission limits: inboundConnectionThreshold and maxIncomingPendingConnections', async () => {
    const defaults = printed(await runBin(['node', '--print-config'])).settings
    expect(defaults.inboundConnectionThreshold).to.deep.equal({ value: 5, source: 'default' })
    expect(defaults.maxIncomingPendingConnections).to.deep.equal({ value: 10, source: 'default' })
    const file = await configFile({ maxIncomingPendingConnections: 40 })
    const { settings } = printed(await runBin(['node', '--config', file, '--inbound-connection-threshold', '20', '--print-config'], { LIBP2P_MAX_INCOMING_PENDING_CONNECTIONS: '30' }))
    expect(settings.inboundConnectionThreshold).to.deep.equal({ value: 20, source: 'flag', from: '--inbound-connection-threshold' })
    expect(settings.maxIncomingPendingConnections).to.deep.equal({ value: 40, source: 'config', from: file })
    for (const [args, env, message] of [
      [['--inbound-connection-threshold', '0'], {}, /inboundConnectionThreshold from flag --inbound-connection-threshold must be a whole number from 1 to/],
      [[], { LIBP2P_MAX_INCOMING_PENDING_CONNECTIONS: '2.5' }, /maxIncomingPendingConnections from environment variable LIBP2P_MAX_INCOMING_PENDING_CONNECTIONS must be a whole number/]
    ] as Array<[string[], Record<string, string>, RegExp]>) {
      const run = await runBin(['node', ...args, '--print-config'], env)
      expect(run.code, run.stderr).to.equal(2)
      expect(run.stderr).to.match(message)
    }
  })

  it('LIBP2P_CONFIG names the config file when --config does not', async () => {
    const file = await configFile({ maxCircuitsPerPeer: 3 })
    const { settings } = printed(await runBin(['node', '--print-config'], { LIBP2P_CONFIG: file }))
    expect(settings.maxCircuitsPerPeer).to.deep.equal({ value: 3, source: 'config', from: file })
  })

  it('a bad number from any source exits 2 naming the setting and the source, even when another source wins', async () => {
    const file = await configFile({ maxReservations: 1.5 })
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--max-reservations', '0'], {}, /maxReservations from flag --max-reservations must be a whole number from 1 to \d+, got "0"/],
      [['--reservation-ttl', '1e6'], {}, /reservationTtl from flag --reservation-ttl must be a whole number/],
      [['--config', file], {}, new RegExp(`maxReservations from config file ${file} must be a whole number from 1 to \\d+, got 1.5`)],
      [[], { LIBP2P_MAX_CIRCUITS: 'abc' }, /maxCircuits from environment variable LIBP2P_MAX_CIRCUITS must be a whole number from 1 to \d+, got "abc"/],
      [['--max-circuits', '5'], { LIBP2P_MAX_CIRCUITS: '-1' }, /maxCircuits from environment variable LIBP2P_MAX_CIRCUITS/],
      [[], { LIBP2P_DHT_LAN: 'yes' }, /dhtLan from environment variable LIBP2P_DHT_LAN must be true or false/],
      [[], { LIBP2P_CIRCUIT_DURATION_LIMIT: '2147483648' }, /circuitDurationLimit from environment variable LIBP2P_CIRCUIT_DURATION_LIMIT must be a whole number from 1000 to 2147483647/]
    ]
    for (const [args, env, message] of cases) {
      const run = await runBin(['node', ...args, '--print-config'], env)
      expect(run.code, `${args.join(' ')} ${JSON.stringify(env)}: ${run.stderr}`).to.equal(2)
      expect(run.stderr).to.match(message)
      expect(run.stdout).to.equal('')
    }
  })

  it('iceServers: STUN/TURN URLs from any source, each URL checked, at most 8', async () => {
    const file = await configFile({ iceServers: ['stun:stun.example.net:3478', 'turn:alice:s%40cret@turn.example.net?transport=tcp'] })
    const { settings } = printed(await runBin(['node', '--config', file, '--print-config']))
    expect(settings.iceServers).to.deep.equal({ value: ['stun:stun.example.net:3478', 'turn:alice:s%40cret@turn.example.net?transport=tcp'], source: 'config', from: file })
    const fromEnv = printed(await runBin(['node', '--print-config'], { LIBP2P_ICE_SERVERS: 'stun:a.example,turns:b.example:5349' })).settings
    expect(fromEnv.iceServers).to.deep.equal({ value: ['stun:a.example', 'turns:b.example:5349'], source: 'env', from: 'LIBP2P_ICE_SERVERS' })
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--ice-servers', 'https://stun.example.net'], {}, /iceServers from flag --ice-servers: ICE server "https:\/\/stun\.example\.net" is not stun:/],
      [['--ice-servers', 'stun:a.example'], { LIBP2P_ICE_SERVERS: 'turn:nopassword@b.example' }, /iceServers from environment variable LIBP2P_ICE_SERVERS: .*<username>:<password>@/],
      [Array(9).fill(['--ice-servers', 'stun:a.example']).flat(), {}, /iceServers from flag --ice-servers: at most 8 ICE servers, got 9/]
    ]
    for (const [args, env, message] of cases) {
      const run = await runBin(['node', ...args, '--print-config'], env)
      expect(run.code, run.stderr).to.equal(2)
      expect(run.stderr).to.match(message)
      expect(run.stdout).to.equal('')
    }
  })

  it('a config file that does not parse, is not an object, has an unknown key or a wrong type exits 2 naming the file and the key', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['{"maxReservations": ', /is not valid JSON/],
      [[1, 2], /must hold a JSON object of settings/],
      [{ maxReservations: 5, maxReservatons: 6 }, /unknown key "maxReservatons"/],
      [{ listen: '/ip4/127.0.0.1/tcp/0' }, /listen from config file \S+ must be a list of non-empty strings/],
      [{ dhtLan: 'true' }, /dhtLan from config file \S+ must be true or false/]
    ]
    for (const [content, message] of cases) {
      const file = await configFile(content)
      const run = await runBin(['node', '--config', file, '--print-config'])
      expect(run.code, run.stderr).to.equal(2)
      expect(run.stderr).to.match(message)
      expect(run.stderr).to.include(file)
    }
    const missing = await runBin(['node', '--config', join(temp.dir(), 'absent.json')])
    expect(missing.code).to.equal(2)
    expect(missing.stderr).to.match(/config file \S+absent\.json cannot be read/)
  })

  it('unknown flags and commands exit 2 with a clear message', async () => {
    const flag = await runBin(['node', '--max-reservation', '5'])
    expect(flag.code).to.equal(2)
    expect(flag.stderr).to.match(/libp2p node: Unknown option '--max-reservation'/)
    const command = await runBin(['nodes'])
    expect(command.code).to.equal(2)
    expect(command.stderr).to.include('unknown command nodes')
    const pingFlag = await runBin(['ping', '/ip4/127.0.0.1/tcp/1', '--cuont', '2'])
    expect(pingFlag.code).to.equal(2)
    expect(pingFlag.stderr).to.match(/libp2p ping: Unknown option '--cuont'/)
    const none = await runBin([])
    expect(none.code).to.equal(2)
    expect(none.stderr).to.include('usage: libp2p <command>')
  })

  it('--help per command, help <command> and --version', async () => {
    const nodeHelp = await runBin(['node', '--help'])
    expect(nodeHelp.code).to.equal(0)
    for (const s of NODE_SETTINGS) {
      expect(nodeHelp.stdout).to.include(`--${flagName(s.key)}`)
      expect(nodeHelp.stdout).to.include(envName(s.key))
    }
    expect((await runBin(['help', 'node'])).stdout).to.equal(nodeHelp.stdout)
    const pingHelp = await runBin(['ping', '--help'])
    expect(pingHelp.code).to.equal(0)
    expect(pingHelp.stdout).to.include('usage: libp2p ping <multiaddr>')
    expect((await runBin(['help', 'ping'])).stdout).to.equal(pingHelp.stdout)
    expect((await runBin(['help', 'frob'])).code).to.equal(2)
    const version = await runBin(['--version'])
    expect(version.code).to.equal(0)
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(version.stdout.trim()).to.equal(pkg.version)
  })

  it('a node started from a config file listens where the file says, with its data directory', async () => {
    const dir = temp.dir()
    const file = await configFile({ dataDir: join(dir, 'state'), listen: ['/ip4/127.0.0.1/tcp/0/ws'], maxReservations: 3 })
    const proc = new BinProcess(['node', '--config', file])
    try {
      const [, dataDir] = await proc.waitFor('stdout', /data directory (\S+)/)
      expect(dataDir).to.equal(join(dir, 'state'))
      await proc.waitFor('stdout', /listening on \S+\n/)
      const addrs = [...proc.stdout.matchAll(/listening on (\S+)/g)].map(m => m[1])
      expect(addrs).to.have.length(1)
      expect(addrs[0]).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/ws\/p2p\/12D3KooW/)
    } finally {
      expect(await proc.stop()).to.equal(0)
    }
  })
})
