import { existsSync } from 'node:fs'
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { BUNDLED_APP_DIR } from '../src/constants.js'
import { httpGet, startHttpNode } from './fixtures/http-node.js'
import { tempDirPerTest } from './fixtures/nodes.js'
import type { HttpNode } from './fixtures/http-node.js'

describe('libp2p node --app-dir: static files at /app/', function () {
  this.timeout(60_000)
  let node: HttpNode | undefined
  afterEach(async () => {
    await node?.proc.stop()
    node = undefined
  })
  const temp = tempDirPerTest('libp2p-http-app-')

  it('serves the directory with content types by extension, index.html for a directory, and nothing outside it', async () => {
    const app = join(temp.dir(), 'app')
    await mkdir(join(app, 'assets', 'sub dir'), { recursive: true })
    await writeFile(join(app, 'index.html'), '<!doctype html><title>app</title>')
    await writeFile(join(app, 'assets', 'app.js'), 'console.log(1)')
    await writeFile(join(app, 'assets', 'style.css'), 'body{}')
    await writeFile(join(app, 'assets', 'module.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]))
    await writeFile(join(app, 'assets', 'config.json'), '{}')
    await writeFile(join(app, 'assets', 'sub dir', 'data.bin'), 'x')
    await writeFile(join(temp.dir(), 'secret.txt'), 'not for the web')
    await symlink(join(temp.dir(), 'secret.txt'), join(app, 'link-out.txt'))
    node = await startHttpNode(['--data-dir', join(temp.dir(), 'data'), '--app-dir', app, '--listen', '/ip4/127.0.0.1/tcp/0/ws'])
    const port = node.port
    const [, wsAddr] = await node.proc.waitFor('stdout', /listening on (\S+\/ws\/p2p\/\S+)/)

    // no config.json in the directory: the node's own, with the addresses a browser can dial
    const config = await httpGet(port, '/app/config.json')
    expect(config.status).to.equal(200)
    expect(config.headers['content-type']).to.equal('application/json')
    expect(JSON.parse(config.body)).to.deep.equal({ relay: [wsAddr], iceServers: [] })

    const types: Array<[string, string, string]> = [
      ['/app/', 'text/html; charset=utf-8', '<!doctype html><title>app</title>'],
      ['/app/index.html', 'text/html; charset=utf-8', '<!doctype html><title>app</title>'],
      ['/app/assets/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['/app/assets/style.css', 'text/css; charset=utf-8', 'body{}'],
      ['/app/assets/module.wasm', 'application/wasm', '\0asm'],
      ['/app/assets/config.json?v=2', 'application/json', '{}'],
      ['/app/assets/sub%20dir/data.bin', 'application/octet-stream', 'x']
    ]
    for (const [path, type, body] of types) {
      const res = await httpGet(port, path)
      expect(res.status, path).to.equal(200)
      expect(res.headers['content-type'], path).to.equal(type)
      expect(res.headers['x-content-type-options'], path).to.equal('nosniff')
      expect(res.body, path).to.equal(body)
    }
    const head = await httpGet(port, '/app/assets/app.js', 'HEAD')
    expect(head.status).to.equal(200)
    expect(head.headers['content-length']).to.equal('14')
    expect(head.body).to.equal('')
    const redirect = await httpGet(port, '/app')
    expect(redirect.status).to.equal(301)
    expect(redirect.headers.location).to.equal('/app/')

    const refused: Array<[string, number]> = [
      ['/app/../secret.txt', 400],
      ['/app/assets/../../secret.txt', 400],
      ['/app/%2e%2e/secret.txt', 400],
      ['/app/..%2fsecret.txt', 400],
      ['/app/assets%2f..%2f..%2fsecret.txt', 400],
      ['/app/..%5csecret.txt', 400],
      ['/app/index.html%00.txt', 400],
      ['/app/%E0%A4%A', 400],
      ['/app/link-out.txt', 404],
      ['/app/missing.js', 404],
      ['/app/assets/', 404]
    ]
    for (const [path, status] of refused) {
      const res = await httpGet(port, path)
      expect(res.status, path).to.equal(status)
      expect(res.body, path).to.not.include('not for the web')
    }
  })

  it('the iceServers setting reaches the pages in config.json, TURN credentials apart from the URL', async () => {
    const app = join(temp.dir(), 'app')
    await mkdir(app)
    node = await startHttpNode(['--data-dir', join(temp.dir(), 'data'), '--app-dir', app, '--ice-servers', 'stun:stun.example.net:3478', '--ice-servers', 'turn:alice:s%40cret@turn.example.net:3478?transport=tcp'])
    const config = await httpGet(node.port, '/app/config.json')
    expect(JSON.parse(config.body).iceServers).to.deep.equal([
      { urls: 'stun:stun.example.net:3478' },
      { urls: 'turn:turn.example.net:3478?transport=tcp', username: 'alice', credential: 's@cret' }
    ])
  })

  it('a config.json in the directory is served instead of the node\'s', async () => {
    const app = join(temp.dir(), 'app')
    await mkdir(app)
    await writeFile(join(app, 'config.json'), '{"relay":["/dns4/relay.example.com/tcp/443/wss/p2p/12D3KooWGA9uujrqoHXFi2GLtSWu74BFyAxzziGu4LCpomCuTp9r"],"iceServers":[]}')
    node = await startHttpNode(['--data-dir', join(temp.dir(), 'data'), '--app-dir', app])
    const config = await httpGet(node.port, '/app/config.json')
    expect(JSON.parse(config.body).relay[0]).to.match(/^\/dns4\/relay\.example\.com/)
  })

  it('with --app-dir none, /app/ is not found', async () => {
    node = await startHttpNode(['--data-dir', temp.dir(), '--app-dir', 'none'])
    expect((await httpGet(node.port, '/app/')).status).to.equal(404)
    expect((await httpGet(node.port, '/app')).status).to.equal(404)
  })

  it('by default serves the rendezvous app this checkout built, and prints its URL', async function () {
    if (!existsSync(join(BUNDLED_APP_DIR, 'index.html'))) {
      // packages/app-rendezvous builds its bundle in npm run build; a partial build may lack it
      this.skip()
    }
    node = await startHttpNode(['--data-dir', temp.dir()])
    const [, url] = await node.proc.waitFor('stdout', /^app (http:\/\/\S+)$/m)
    expect(url).to.equal(`${node.url}app/`)
    const page = await httpGet(node.port, '/app/')
    expect(page.status).to.equal(200)
    expect(page.body).to.equal(await readFile(join(BUNDLED_APP_DIR, 'index.html'), 'utf8'))
    // the page learns the node's WebSocket addresses from config.json
    const config = JSON.parse((await httpGet(node.port, '/app/config.json')).body)
    expect(config.relay).to.be.an('array')
  })
})
