import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { expect } from 'aegir/chai'
import { demo } from '../src/demo.js'

const BIN = fileURLToPath(new URL('../src/bin.js', import.meta.url))

describe('libp2p-node', () => {
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
    const listener = spawn(process.execPath, [BIN, 'listen', '--listen', '/ip4/127.0.0.1/tcp/0'], { stdio: ['ignore', 'pipe', 'inherit'] })
    try {
      const addr = await new Promise<string>((resolve, reject) => {
        let out = ''
        const timer = setTimeout(() => { reject(new Error(`no address printed: ${out}`)) }, 20_000)
        listener.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          const m = out.match(/listening on (\S+)/)
          if (m != null) {
            clearTimeout(timer)
            resolve(m[1])
          }
        })
      })
      const pinger = spawn(process.execPath, [BIN, 'ping', addr, '--count', '2'], { stdio: ['ignore', 'pipe', 'inherit'] })
      let out = ''
      pinger.stdout.on('data', (d: Buffer) => { out += d.toString() })
      const [code] = await once(pinger, 'exit')
      expect(code).to.equal(0)
      expect(out.match(/pong from/g)).to.have.length(2)
    } finally {
      listener.kill('SIGTERM')
      await once(listener, 'exit')
    }
  })
})
