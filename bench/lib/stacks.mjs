// The two stacks behind one small adapter, so the scenarios are written once:
//   ours: the workspace packages (resolved from /work/main/node_modules)
//   js:   js-libp2p 3.x from interop/js-peer/node_modules (or $BENCH_JS_MODULES)
// Differences between the stream APIs live here and only here:
//   closeWrite: ours `closeWrite()`; js-libp2p 3 `close()` (which closes the write side)
//   drain:      ours `onDrain()`; js-libp2p 3 waits for the 'drain' event, because its onDrain()
//               latches after the first drain (shared/RECIPES.md 7.1)
//   lpStream, pipe: each stack's own @libp2p/utils lpStream and it-pipe (the styles rows)
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_DIR = join(BENCH_DIR, '..')
export const JS_MODULES_DIR = process.env.BENCH_JS_MODULES ?? join(REPO_DIR, 'interop', 'js-peer', 'node_modules')
export const JS_SHIM = join(BENCH_DIR, 'lib', 'shim-with-resolvers.mjs')

/** what the js column must be; a mismatch is reported, not fatal */
export const JS_EXPECTED_VERSIONS = {
  libp2p: '3.3.11',
  '@libp2p/tcp': '11.0.28',
  '@chainsafe/libp2p-noise': '17.0.0',
  '@chainsafe/libp2p-yamux': '8.0.1',
  '@libp2p/ping': '3.1.13',
  '@libp2p/identify': '4.1.14'
}
const OURS_PACKAGES = ['libp2p', '@libp2p/tcp', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux', '@libp2p/ping', '@libp2p/identify']

/** generous limits on both stacks, so no scenario trips a default connection or stream cap */
export const LIMITS = {
  maxConnections: 10_000,
  maxIncomingPendingConnections: 256,
  inboundConnectionThreshold: 1_000_000,
  maxParallelDials: 256,
  maxDialQueueLength: 10_000
}
export const STREAM_LIMITS = { maxInboundStreams: 1024, maxOutboundStreams: 1024 }

/** node flags each stack's children need on this machine's Node 20 */
export function nodeFlagsFor (stack) {
  return stack === 'js' ? ['--import', JS_SHIM] : []
}

function readJson (file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

/** version of a package as seen from a node_modules folder (or the repo's, for ours) */
export function packageVersion (modulesDir, name) {
  const file = join(modulesDir, name, 'package.json')
  return existsSync(file) ? readJson(file).version : null
}

export function stackVersions (stack) {
  if (stack === 'js') {
    return Object.fromEntries(Object.keys(JS_EXPECTED_VERSIONS).map(n => [n, packageVersion(JS_MODULES_DIR, n)]))
  }
  return Object.fromEntries(OURS_PACKAGES.map(n => [n, packageVersion(join(REPO_DIR, 'node_modules'), n)]))
}

/** import an ESM package from the js-libp2p node_modules by its "exports" entry */
async function importJs (name) {
  const dir = join(JS_MODULES_DIR, name)
  if (!existsSync(join(dir, 'package.json'))) {
    throw new Error(`js-libp2p package ${name} not found in ${JS_MODULES_DIR} (install interop/js-peer or set BENCH_JS_MODULES)`)
  }
  const pkg = readJson(join(dir, 'package.json'))
  let entry = pkg.exports?.['.'] ?? pkg.exports ?? pkg.main ?? 'index.js'
  if (typeof entry === 'object') entry = entry.import ?? entry.default ?? entry.node
  return import(pathToFileURL(join(dir, entry)).href)
}

async function loadOurs () {
  const [{ createLibp2p }, { tcp }, { noise }, { yamux }, { ping }, { multiaddr }, { lpStream }, { pipe }] = await Promise.all([
    import('libp2p'), import('@libp2p/tcp'), import('@chainsafe/libp2p-noise'), import('@chainsafe/libp2p-yamux'),
    import('@libp2p/ping'), import('@multiformats/multiaddr'), import('@libp2p/utils'), import('it-pipe')
  ])
  return {
    name: 'ours',
    multiaddr,
    lpStream,
    pipe,
    async createNode ({ listen, withIdentify }) {
      const services = { ping: ping() }
      if (withIdentify) services.identify = (await import('@libp2p/identify')).identify()
      return createLibp2p({
        addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services,
        connectionManager: { ...LIMITS, maxConnectionsPerPeer: 10_000 },
        // off on both stacks for the comparison (see js's below)
        connectionMonitor: { enabled: false }
      })
    },
    closeWrite: async (stream) => stream.close(),
    drain: async (stream) => stream.onDrain()
  }
}

/** resolves when a js-libp2p 3 stream can take more data; rejects if it closes first */
function jsDrain (stream) {
  if (!stream.writableNeedsDrain) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const done = (err) => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      if (err != null) reject(err)
      else resolve()
    }
    const onDrain = () => done()
    const onClose = (evt) => done(evt.error ?? new Error(`stream closed (${stream.status}) while waiting for drain`))
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
  })
}

async function loadJs () {
  if (typeof Promise.withResolvers !== 'function') {
    throw new Error(`js-libp2p 3.x needs Promise.withResolvers: run with --import ${JS_SHIM}`)
  }
  const [{ createLibp2p }, { tcp }, { noise }, { yamux }, { ping }, { multiaddr }, { lpStream }, { pipe }] = await Promise.all([
    importJs('libp2p'), importJs('@libp2p/tcp'), importJs('@chainsafe/libp2p-noise'), importJs('@chainsafe/libp2p-yamux'),
    importJs('@libp2p/ping'), importJs('@multiformats/multiaddr'), importJs('@libp2p/utils'), importJs('it-pipe')
  ])
  return {
    name: 'js',
    multiaddr,
    lpStream,
    pipe,
    async createNode ({ listen, withIdentify }) {
      const services = { ping: ping() }
      if (withIdentify) services.identify = (await importJs('@libp2p/identify')).identify()
      return createLibp2p({
        addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services,
        connectionManager: LIMITS,
        // js-libp2p pings every connection every 10 s and aborts the ones whose ping is late; on
        // this loaded 2-core machine it closed more than half of 1,000 idle connections, so it is
        // off for the comparison, on both stacks (ours has one too, with an adaptive timeout)
        connectionMonitor: { enabled: false },
        // js-libp2p refuses to dial private addresses such as 127.0.0.1 by default
        connectionGater: { denyDialMultiaddr: () => false }
      })
    },
    closeWrite: async (stream) => stream.close(),
    drain: jsDrain
  }
}

export async function loadStack (name) {
  if (name === 'ours') return loadOurs()
  if (name === 'js') return loadJs()
  throw new TypeError(`unknown stack ${name}`)
}
