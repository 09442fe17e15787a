// The two kinds of node the service tests run in one process (Node 24):
// - 'js': js-libp2p 3.3.11 and its transports from this folder's node_modules;
// - 'ours': our packages, imported from their dist in the repo (npm run build first).
// Both listen on 127.0.0.1 over TCP with Noise and Yamux, and run identify and ping. The service
// under test (floodsub(), gossipsub(), kadDHT(...)) comes from this folder's node_modules in both
// cases: js-libp2p's own factories, unmodified, passed in `services`.
import { fileURLToPath } from 'node:url'
import { noise as jsNoise } from '@chainsafe/libp2p-noise'
import { yamux as jsYamux } from '@chainsafe/libp2p-yamux'
import { identify as jsIdentify } from '@libp2p/identify'
import { ping as jsPing } from '@libp2p/ping'
import { tcp as jsTcp } from '@libp2p/tcp'
import { multiaddr as jsMultiaddr } from '@multiformats/multiaddr'
import { createLibp2p as jsCreateLibp2p } from 'libp2p'

const ROOT = new URL('../../', import.meta.url)
export const ROOT_DIR = fileURLToPath(ROOT)

/** one of our packages' entry point, by folder under packages/ */
async function ourPackage (folder) {
  return import(new URL(`packages/${folder}/dist/src/index.js`, ROOT).href)
}

let oursModules
/** our packages, or throws with what is missing (the build) */
export async function loadOurs () {
  if (oursModules != null) return oursModules
  const [libp2p, tcp, noise, yamux, identify, ping, multiaddr] = await Promise.all([
    ourPackage('libp2p'), ourPackage('transport-tcp'), ourPackage('connection-encrypter-noise'),
    ourPackage('stream-muxer-yamux'), ourPackage('protocol-identify'), ourPackage('protocol-ping'),
    import(new URL('node_modules/@multiformats/multiaddr/dist/src/index.js', ROOT).href)
  ])
  oursModules = {
    createLibp2p: libp2p.createLibp2p,
    tcp: tcp.tcp,
    noise: noise.noise,
    yamux: yamux.yamux,
    identify: identify.identify,
    ping: ping.ping,
    multiaddr: multiaddr.multiaddr
  }
  return oursModules
}

const jsModules = {
  createLibp2p: jsCreateLibp2p,
  tcp: jsTcp,
  noise: jsNoise,
  yamux: jsYamux,
  identify: jsIdentify,
  ping: jsPing,
  multiaddr: jsMultiaddr
}

const started = new Set()

/**
 * A started node of `kind` ('js' | 'ours') with identify, ping and the given extra services
 * (name → factory). Returns { kind, node, multiaddr(other) }.
 */
export async function startNode (kind, services = {}) {
  const m = kind === 'ours' ? await loadOurs() : jsModules
  const node = await m.createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [m.tcp()],
    connectionEncrypters: [m.noise()],
    streamMuxers: [m.yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: m.identify(), ping: m.ping(), ...services }
  })
  const handle = {
    kind,
    node,
    /** dial `other` (a handle) at its first listen address, parsed by this node's multiaddr */
    async dial (other) {
      const addr = other.node.getMultiaddrs()[0]
      if (addr == null) throw new Error(`${other.kind} node has no listen address`)
      return node.dial(m.multiaddr(addr.toString()))
    }
  }
  started.add(handle)
  return handle
}

/** stop every node startNode() started (all of them, even if some stops fail) */
export async function stopAll () {
  const handles = [...started]
  started.clear()
  const results = await Promise.allSettled(handles.map(async h => h.node.stop()))
  const failed = results.filter(r => r.status === 'rejected')
  if (failed.length > 0) throw new AggregateError(failed.map(r => r.reason), `${failed.length} node(s) failed to stop`)
}

/**
 * Resolves once `predicate()` is true, checking now and after every one of `events` on `target`;
 * rejects after `timeoutMs` with `what` in the message. No polling.
 */
export async function until (what, predicate, { target, events, timeoutMs = 10_000 }) {
  if (await predicate()) return
  await new Promise((resolve, reject) => {
    let done = false
    const finish = (err) => {
      if (done) return
      done = true
      clearTimeout(timer)
      for (const e of events) target.removeEventListener(e, check)
      if (err != null) reject(err)
      else resolve()
    }
    const check = () => {
      Promise.resolve(predicate()).then(ok => { if (ok) finish() }, finish)
    }
    const timer = setTimeout(() => { finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)) }, timeoutMs)
    for (const e of events) target.addEventListener(e, check)
    check()
  })
}

/** the next event `type` on `target` whose detail satisfies `predicate`, or a timeout error */
export async function nextEvent (what, target, type, predicate = () => true, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const onEvent = (evt) => {
      let ok
      try { ok = predicate(evt.detail) } catch (err) { cleanup(); reject(err); return }
      if (ok) { cleanup(); resolve(evt.detail) }
    }
    const cleanup = () => { clearTimeout(timer); target.removeEventListener(type, onEvent) }
    const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)) }, timeoutMs)
    target.addEventListener(type, onEvent)
  })
}
