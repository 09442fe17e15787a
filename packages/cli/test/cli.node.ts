import { expect } from 'aegir/chai'
import { demo } from '../src/demo.js'
import { BinProcess, runBin } from './fixtures/process.js'

describe('libp2p (the cli)', function () {
  this.timeout(60_000)

  it('demo: two nodes connect, identify, ping and echo', async () => {
    const lines: string[] = []
    await demo(line => { lines.push(line) })
    const text = lines.join('\n')
    expect(text).to.match(/A connected to B over \/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3KooW\S+ \(\/noise, \/yamux\/1\.0\.0\)/)
    expect(text).to.include('/ipfs/ping/1.0.0')
    expect(text).to.match(/A pinged B: [\d.]+ ms/)
    expect(text).to.include('B echoed: "hello from A"')
  })

  it('listen and ping: one process pings another', async () => {
    const listener = new BinProcess(['listen', '--listen', '/ip4/127.0.0.1/tcp/0'])
    try {
      const [, addr] = await listener.waitFor('stdout', /listening on (\S+)/)
      const pinger = await runBin(['ping', addr, '--count', '2'])
      expect(pinger.code, pinger.stderr).to.equal(0)
      expect(pinger.stdout.match(/pong from/g)).to.have.length(2)
    } finally {
      await listener.stop()
    }
  })

  it('ping exits 2 (a usage error) on a --count that is not a positive whole number, before dialling', async () => {
    for (const count of ['0', 'x', '-2', '1.5']) {
      const result = await runBin(['ping', '/ip4/127.0.0.1/tcp/1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN', `--count=${count}`])
      expect(result.code, count).to.equal(2)
      expect(result.stderr, count).to.match(/--count must be a whole number from 1/)
    }
  })
})
