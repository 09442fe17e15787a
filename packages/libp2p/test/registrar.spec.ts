// The registrar's topology contract as js-libp2p 3's services use it (@libp2p/floodsub,
// @libp2p/gossipsub, @libp2p/kad-dht from npm): a filter object (has/add/remove), async callbacks
// whose rejections must not escape, onDisconnect when a peer stops listing the protocol, and
// getTopologies(protocol).
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { MemoryDatastore, persistentPeerStore } from '@libp2p/peer-store'
import { expect } from 'aegir/chai'
import { Registrar } from '../src/registrar.js'
import type { ComponentLogger, Connection, Libp2pEvents, Logger, PeerId, PeerStore, Topology, TopologyFilter } from '@libp2p/interface'

const PROTOCOL = '/svc/1.0.0'

interface Setup {
  registrar: Registrar
  events: TypedEventEmitter<Libp2pEvents>
  peerStore: PeerStore
  remote: PeerId
  connection: Connection
  /** resolves with the arguments of the registrar's next log.error call */
  nextError(): Promise<unknown[]>
}

async function setup (): Promise<Setup> {
  const self = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const remote = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  const events = new TypedEventEmitter<Libp2pEvents>()
  const peerStore = persistentPeerStore({ peerId: self, datastore: new MemoryDatastore(), events, logger: defaultLogger() })
  const errorWaiters: Array<(args: unknown[]) => void> = []
  const logger: ComponentLogger = {
    forComponent (name: string): Logger {
      const inner = defaultLogger().forComponent(name)
      const log = Object.assign((formatter: any, ...args: any[]) => { inner(formatter, ...args) }, {
        error: (...args: unknown[]) => { errorWaiters.shift()?.(args) },
        trace: inner.trace,
        enabled: inner.enabled,
        newScope: inner.newScope
      })
      return log
    }
  }
  const connection = { remotePeer: remote, limits: undefined, status: 'open' } as unknown as Connection
  const registrar = new Registrar({ peerId: self, peerStore, events, logger, getConnections: () => [] })
  return {
    registrar,
    events,
    peerStore,
    remote,
    connection,
    nextError: async () => new Promise(resolve => { errorWaiters.push(resolve) })
  }
}

function identify (s: Setup, protocols: string[] = [PROTOCOL]): void {
  s.events.safeDispatchEvent('peer:identify', {
    detail: { peerId: s.remote, protocols, listenAddrs: [], connection: s.connection }
  })
}

/** a filter like @libp2p/peer-collections' peerFilter(), recording its calls */
function recordingFilter (): TopologyFilter & { calls: string[], peers: Set<string> } {
  const peers = new Set<string>()
  const calls: string[] = []
  return {
    peers,
    calls,
    has: (p) => { calls.push('has'); return peers.has(p.toString()) },
    add: (p) => { calls.push('add'); peers.add(p.toString()) },
    remove: (p) => { calls.push('remove'); peers.delete(p.toString()) }
  }
}

describe('registrar topologies (js-libp2p 3 contract)', () => {
  it('takes a filter object: adds the peer before onConnect, skips a peer it has, removes it on disconnect', async () => {
    const s = await setup()
    const filter = recordingFilter()
    const seen: string[] = []
    await s.registrar.register(PROTOCOL, {
      filter,
      onConnect: (peerId) => { seen.push(`connect ${peerId.toString()} filtered=${filter.peers.has(peerId.toString())}`) },
      onDisconnect: (peerId) => { seen.push(`disconnect ${peerId.toString()} filtered=${filter.peers.has(peerId.toString())}`) }
    })

    identify(s)
    expect(seen).to.deep.equal([`connect ${s.remote.toString()} filtered=true`])
    expect(filter.calls).to.deep.equal(['has', 'add'])

    // a second identify (e.g. identify-push) reports nothing new
    identify(s)
    expect(seen).to.have.length(1)

    s.events.safeDispatchEvent('peer:disconnect', { detail: s.remote })
    expect(seen[1]).to.equal(`disconnect ${s.remote.toString()} filtered=false`)
    expect(filter.calls.at(-1)).to.equal('remove')
  })

  it('does not report a peer the topology\'s filter already has, nor its disconnect', async () => {
    const s = await setup()
    const filter = recordingFilter()
    filter.peers.add(s.remote.toString())
    const seen: string[] = []
    await s.registrar.register(PROTOCOL, {
      filter,
      onConnect: () => { seen.push('connect') },
      onDisconnect: () => { seen.push('disconnect') }
    })
    identify(s)
    s.events.safeDispatchEvent('peer:disconnect', { detail: s.remote })
    expect(seen).to.deep.equal([])
  })

  it('logs a rejected async onConnect / onDisconnect instead of leaving the rejection unhandled', async function () {
    // it watches Node's process 'unhandledRejection' event: browsers have no such hook to observe
    if (typeof globalThis.process?.on !== 'function' || typeof globalThis.setImmediate !== 'function') { this.skip() }
    const s = await setup()
    let onUnhandled: (reason: unknown) => void = () => {}
    const unhandled = new Promise<unknown>(resolve => { onUnhandled = resolve })
    process.on('unhandledRejection', onUnhandled)
    /** what comes first: the registrar's error log, or an unhandled rejection */
    const outcome = async (logged: Promise<unknown[]>): Promise<string> => Promise.race([
      logged.then(args => `logged: ${String(args.at(-1))}`),
      unhandled.then(reason => `unhandled: ${String(reason)}`)
    ])
    try {
      await s.registrar.register(PROTOCOL, {
        onConnect: async () => { throw new Error('connect failed') },
        onDisconnect: async () => { throw new Error('disconnect failed') }
      })
      let logged = s.nextError()
      identify(s)
      expect(await outcome(logged)).to.equal('logged: Error: connect failed')
      logged = s.nextError()
      s.events.safeDispatchEvent('peer:disconnect', { detail: s.remote })
      expect(await outcome(logged)).to.equal('logged: Error: disconnect failed')
      // an unhandled rejection is reported once the microtask queue is empty: let that happen
      const late = await Promise.race([unhandled, new Promise(resolve => setImmediate(() => { resolve('none') }))])
      expect(late).to.equal('none')
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('calls onDisconnect when a connected peer\'s record stops listing the protocol', async () => {
    const s = await setup()
    const seen: string[] = []
    await s.registrar.register(PROTOCOL, {
      onConnect: () => { seen.push('connect') },
      onDisconnect: (peerId) => { seen.push(`disconnect ${peerId.toString()}`) }
    })
    await s.peerStore.merge(s.remote, { protocols: [PROTOCOL, '/other/1.0.0'] })
    identify(s, [PROTOCOL, '/other/1.0.0'])
    expect(seen).to.deep.equal(['connect'])

    // the other protocol going away changes nothing for this topology
    await s.peerStore.patch(s.remote, { protocols: [PROTOCOL] })
    expect(seen).to.deep.equal(['connect'])

    await s.peerStore.patch(s.remote, { protocols: [] })
    expect(seen).to.deep.equal(['connect', `disconnect ${s.remote.toString()}`])

    // and the peer is reported again once it lists the protocol again
    identify(s)
    expect(seen).to.have.length(3)
  })

  it('getTopologies(protocol) lists the registered topologies until they are unregistered', async () => {
    const s = await setup()
    const a: Topology = { onConnect: () => {} }
    const b: Topology = { onConnect: () => {} }
    const idA = await s.registrar.register(PROTOCOL, a)
    await s.registrar.register(PROTOCOL, b)
    expect(s.registrar.getTopologies(PROTOCOL)).to.deep.equal([a, b])
    expect(s.registrar.getTopologies('/none/1.0.0')).to.deep.equal([])
    s.registrar.unregister(idA)
    expect(s.registrar.getTopologies(PROTOCOL)).to.deep.equal([b])
  })
})
