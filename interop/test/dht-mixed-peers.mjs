// The four kinds of DHT node of dht-mixed.spec.mjs behind one handle: { name, peerId, multiaddrs,
// send(cmd, args), stop() }, the commands being those of ../js-peer/dht-commands.mjs (go and rust
// implement the same ones in interop/go-peer/dht and interop/rust-peer/src/bin/rust-dht.rs).
// - ours: our packages (packages/*/dist through the workspace links), in the test process;
// - js: js-libp2p 3.3.11 + @libp2p/kad-dht 16.4.5 (../js-peer/dht-peer.mjs) on Node 24;
// - go: go-libp2p-kad-dht v0.42.2, built by interop/go-peer/build.sh dht;
// - rust: rust-libp2p 0.56's kad, built by interop/rust-peer/build.sh (BIN=rust-dht).
// Also the test's records: /pk/ records of fresh Ed25519 keys, and CIDs of random content.
import { spawnSync } from 'node:child_process'
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { CID } from 'multiformats/cid'
import { decode as decodeDigest } from 'multiformats/hashes/digest'
import { runDhtCommand } from '../js-peer/dht-commands.mjs'
import { JS_PEER_DIR, NODE24, ROOT_DIR, ensureJsPeer, spawnLinePeer } from './harness.mjs'

const GO_BUILD_TIMEOUT_MS = 600_000
const RUST_BUILD_TIMEOUT_MS = 1_200_000
const DEFAULT_COMMAND_TIMEOUT_MS = 60_000

/**
 * Builds (or finds up to date) a peer binary with its build script. Returns { bin } or
 * { skip: reason } when the toolchain is absent; throws when a build with the toolchain fails.
 */
function buildPeer (name, script, args, env, toolchain) {
  const v = spawnSync(toolchain[0], toolchain.slice(1), { encoding: 'utf8', timeout: 30_000 })
  if (v.status !== 0) { return { skip: `${name}: toolchain not present (\`${toolchain.join(' ')}\` failed: ${v.error?.message ?? `exit ${v.status}`})` } }
  const started = Date.now()
  const r = spawnSync(path.join(ROOT_DIR, script), args, {
    cwd: ROOT_DIR,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: name === 'go' ? GO_BUILD_TIMEOUT_MS : RUST_BUILD_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024
  })
  // a cold build over its budget skips the peer, as the interop runner does: a cold machine is
  // not a regression
  if (r.error?.code === 'ETIMEDOUT') { return { skip: `${name}: build over its ${Math.round((Date.now() - started) / 1000)} s budget` } }
  if (r.status !== 0) { throw new Error(`${script} ${args.join(' ')} failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`}):\n${(r.stderr ?? '').slice(-4000)}`) }
  const bin = r.stdout.trim().split('\n').pop()
  if (!fs.existsSync(bin)) { return { skip: `${name}: ${r.stdout.trim().split('\n')[0]}` } }
  return { bin, ms: Date.now() - started }
}

export const buildGoPeer = () => buildPeer('go', 'interop/go-peer/build.sh', ['dht'], {}, ['go', 'version'])
export const buildRustPeer = () => buildPeer('rust', 'interop/rust-peer/build.sh', [], { BIN: 'rust-dht' }, ['cargo', '--version'])

// `client`: a DHT client (it queries, serves nothing, and so holds no records of others)
export async function startGoPeer (name, bin, { client = false } = {}) {
  return spawnLinePeer(name, bin, client ? ['-client'] : [])
}

export async function startRustPeer (name, bin, { client = false } = {}) {
  return spawnLinePeer(name, bin, client ? ['--client'] : [])
}

export async function startJsPeer (name, { client = false } = {}) {
  ensureJsPeer()
  return spawnLinePeer(name, NODE24, [path.join(JS_PEER_DIR, 'dht-peer.mjs'), ...(client ? ['--client'] : [])], { cwd: JS_PEER_DIR })
}

let ours
/** our modules, or { skip } saying what does not load (the build is missing) */
export async function loadOurs () {
  if (ours != null) { return ours }
  try {
    const [libp2p, tcp, noise, yamux, identify, ping, dht, peerId, ma] = await Promise.all([
      import('libp2p'), import('@libp2p/tcp'), import('@chainsafe/libp2p-noise'), import('@chainsafe/libp2p-yamux'),
      import('@libp2p/identify'), import('@libp2p/ping'), import('@libp2p/kad-dht'), import('@libp2p/peer-id'),
      import('@multiformats/multiaddr')
    ])
    ours = { libp2p, tcp, noise, yamux, identify, ping, dht, peerId, ma }
  } catch (err) {
    ours = { skip: `ours: not built (${err.code ?? err.name}: ${String(err.message).split('\n')[0]})` }
  }
  return ours
}

/** our node in this process, with the DHT in server (or client) mode keeping loopback addresses */
export async function startOurPeer (name, { client = false } = {}) {
  const m = await loadOurs()
  const node = await m.libp2p.createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [m.tcp.tcp()],
    connectionEncrypters: [m.noise.noise()],
    streamMuxers: [m.yamux.yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    // every node dials from 127.0.0.1: see js-peer/dht-peer.mjs
    connectionManager: { inboundConnectionThreshold: 1000 },
    services: {
      identify: m.identify.identify(),
      ping: m.ping.ping(),
      dht: m.dht.kadDHT({ clientMode: client, peerInfoMapper: m.dht.passthroughMapper })
    }
  })
  const deps = { multiaddr: m.ma.multiaddr, peerIdFromString: m.peerId.peerIdFromString, parseCid: (s) => CID.parse(s) }
  return {
    name,
    peerId: node.peerId.toString(),
    multiaddrs: node.getMultiaddrs().map(a => a.toString()),
    async send (cmd, args = {}) {
      const signal = AbortSignal.timeout(args.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS)
      try {
        return await runDhtCommand(node, { ...args, cmd }, { ...deps, signal })
      } catch (err) {
        throw new Error(`${name} ${cmd}: ${err.name}: ${err.message}`)
      }
    },
    async stop () { await node.stop() }
  }
}

/**
 * A /pk/ record of a fresh Ed25519 key: key '/pk/' + the peer id's multihash (identity hash of the
 * protobuf public key), value that protobuf. Every implementation validates it with no
 * configuration (rust keeps any record). Both in hex, as the peers' commands take them.
 */
export function pkRecord () {
  const { publicKey } = generateKeyPairSync('ed25519')
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url')
  // PublicKey { Type = 1 (Ed25519), Data = raw }
  const pb = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, raw.length]), raw])
  const multihash = Buffer.concat([Buffer.from([0x00, pb.length]), pb])
  return { key: Buffer.concat([Buffer.from('/pk/'), multihash]).toString('hex'), value: pb.toString('hex') }
}

/**
 * A CIDv1 (raw) of random content, as a string for go/js/ours and as its multihash (sha2-256) in
 * hex for rust, whose kad keys providers by bytes.
 */
export function randomContent () {
  const digest = createHash('sha256').update(randomBytes(32)).digest()
  const multihash = Buffer.concat([Buffer.from([0x12, 0x20]), digest])
  return { cid: CID.createV1(0x55, decodeDigest(multihash)).toString(), multihash: multihash.toString('hex') }
}

/** resolves once `check()` resolves truthy, asking again after each answer; gives up after timeoutMs */
export async function eventually (what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  let last
  while (Date.now() < deadline) {
    try {
      if (await check()) { return }
    } catch (err) {
      last = err
    }
    // the peers answer over pipes: a 100 ms pause keeps this from spinning on 2 cores
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last != null ? ` (last error: ${last.message})` : ''}`)
}
