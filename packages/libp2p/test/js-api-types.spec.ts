// A service and an application written the way js-libp2p 3's are, against @libp2p/interface's
// types only (`Libp2p`, `ServiceMap`, `Logger`...): this file compiling proves the node's class
// fits js-libp2p's `Libp2p` interface, and the tests run the code on real nodes over /memory.
import { yamux } from '@chainsafe/libp2p-yamux'
import { KEEP_ALIVE, LimitedConnectionError, isPrivateKey, isPublicKey, serviceCapabilities } from '@libp2p/interface'
import { plaintext } from '@libp2p/interface-compliance-tests/plaintext'
import { memory } from '@libp2p/memory'
import { expect } from 'aegir/chai'
import { LimitedConnectionError as NodeLimitedConnectionError } from '../src/errors.js'
import { createLibp2p } from '../src/index.js'
import { readAll } from './fixtures.js'
import type {
  ComponentLogger, Connection, Ed25519PublicKey, Libp2p, Libp2pEvents, Logger, PeerId, Registrar, ServiceMap, Startable, Stream,
  TypedEventTarget
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

const GREETING_PROTOCOL = '/example/greeting/1.0.0'

interface GreeterComponents {
  registrar: Registrar
  logger: ComponentLogger
  events: TypedEventTarget<Libp2pEvents>
}

/** A js-libp2p-style service: a curried factory, Startable, capabilities, a scoped logger */
class Greeter implements Startable {
  readonly [serviceCapabilities]: string[] = ['@example/greeter']
  readonly #components: GreeterComponents
  readonly #log: Logger
  readonly #streamLog: Logger
  readonly connected: PeerId[] = []

  constructor (components: GreeterComponents) {
    this.#components = components
    this.#log = components.logger.forComponent('example:greeter')
    this.#streamLog = this.#log.newScope('stream')
  }

  readonly #onConnect = (evt: CustomEvent<PeerId>): void => {
    this.connected.push(evt.detail)
  }

  async start (): Promise<void> {
    this.#components.events.addEventListener('peer:connect', this.#onConnect)
    await this.#components.registrar.handle(GREETING_PROTOCOL, async (stream: Stream, connection: Connection) => {
      this.#streamLog('greeting %p', connection.remotePeer)
      stream.send(new TextEncoder().encode(`hello ${connection.remotePeer.toString()}`))
      await stream.close()
    })
  }

  async stop (): Promise<void> {
    this.#components.events.removeEventListener('peer:connect', this.#onConnect)
    await this.#components.registrar.unhandle(GREETING_PROTOCOL)
  }
}

function greeter (): (components: GreeterComponents) => Greeter {
  return (components) => new Greeter(components)
}

/** Application code that takes js-libp2p's `Libp2p` type with the services it needs */
async function askGreeting<T extends { greeter: Greeter }> (node: Libp2p<T>, target: Multiaddr): Promise<string> {
  const stream = await node.dialProtocol(target, GREETING_PROTOCOL, { signal: AbortSignal.timeout(10_000) })
  return new TextDecoder().decode(await readAll(stream))
}

/** Code written for any node, whatever its services */
function describeNode (node: Libp2p): string {
  return `${node.peerId.toString()} ${node.status} peers=${node.getPeers().length} protocols=${node.getProtocols().length}`
}

let next = 0

async function greeterNode (): Promise<Libp2p<{ greeter: Greeter }>> {
  // assigned to the interface type: the class must be assignable to js-libp2p's Libp2p<T>
  const node: Libp2p<{ greeter: Greeter }> = await createLibp2p({
    addresses: { listen: [`/memory/js-api-${Date.now()}-${next++}`] },
    transports: [memory()],
    connectionEncrypters: [plaintext()],
    streamMuxers: [yamux()],
    services: { greeter: greeter() }
  })
  return node
}

describe('js-libp2p 3 API types', () => {
  let nodes: Libp2p[] = []

  afterEach(async () => {
    await Promise.all(nodes.map(async n => n.stop()))
    nodes = []
  })

  it('runs a js-style service and application through the Libp2p interface type', async () => {
    const a = await greeterNode()
    const b = await greeterNode()
    nodes.push(a, b)

    expect(await askGreeting(a, b.getMultiaddrs()[0])).to.equal(`hello ${a.peerId.toString()}`)
    expect(describeNode(a)).to.equal(`${a.peerId.toString()} started peers=1 protocols=1`)
    expect(b.services.greeter.connected.map(p => p.toString())).to.deep.equal([a.peerId.toString()])
    expect(b.services.greeter[serviceCapabilities]).to.deep.equal(['@example/greeter'])
  })

  it('gives the node itself, typed with its services, as the stop event detail', async () => {
    const a = await greeterNode()
    let stopped: Libp2p<{ greeter: Greeter }> | undefined
    a.addEventListener('stop', (evt) => { stopped = evt.detail })
    await a.stop()
    expect(stopped).to.equal(a)
    expect(stopped?.services.greeter).to.be.an.instanceOf(Greeter)
  })

  it('getPublicKey of an Ed25519 peer id is typed as an Ed25519 key', async () => {
    const a = await greeterNode()
    nodes.push(a)
    if (a.peerId.type !== 'Ed25519') { throw new Error('expected the default Ed25519 identity') }
    const key: Ed25519PublicKey = await a.getPublicKey(a.peerId)
    expect(key.type).to.equal('Ed25519')
    expect(isPublicKey(key)).to.equal(true)
    expect(isPrivateKey(key)).to.equal(false)
    expect(isPublicKey({ type: 'Ed25519', raw: key.raw })).to.equal(false)
  })

  it('exports js-libp2p 3 names: ServiceMap, KEEP_ALIVE, LimitedConnectionError (the class the node throws)', () => {
    const services: ServiceMap = { anything: 1 }
    expect(services.anything).to.equal(1)
    expect(KEEP_ALIVE).to.equal('keep-alive')
    expect(NodeLimitedConnectionError).to.equal(LimitedConnectionError)
    expect(new LimitedConnectionError().name).to.equal('LimitedConnectionError')
  })
})
