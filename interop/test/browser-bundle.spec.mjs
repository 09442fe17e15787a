// The browser bundle of a node (interop/browser/entry.mjs: createLibp2p with webSockets + noise +
// yamux + identify + ping), built by esbuild (format esm, platform browser, minified) from our
// packages and, with the same options in the same run, from js-libp2p 3.3.11 and its modules
// (interop/js-peer/node_modules). Ours must be usable in a page (no node: imports, neither `ws` nor
// the Node variants of our transport) and smaller than js-libp2p's; the sizes (minified, gzipped
// with node:zlib) are printed for docs/PERFORMANCE.md, with the ratio against the target (ours at
// most half of js-libp2p's).
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { buildBrowserBundle } from '../browser/bundle.mjs'
import { ensureJsPeer } from './harness.mjs'
import { checkOurNode } from './ours-peer.mjs'

const TARGET_RATIO = 0.5

describe('browser bundle: our node vs js-libp2p 3.3.11 (esbuild, esm, browser, minified)', function () {
  let ours, js

  before(async function () {
    const { missing } = await checkOurNode()
    const reason = missing.core ?? missing.websockets ?? missing.identify ?? missing.ping
    if (reason != null) {
      console.log(`      SKIPPED (every case): ${reason}`)
      this.skip()
    }
    ensureJsPeer()
    ;[ours, js] = await Promise.all([buildBrowserBundle('ours'), buildBrowserBundle('js')])
  })

  it('ours has no node: imports and neither ws nor the Node variants of our modules', function () {
    assert.deepEqual(ours.nodeImports, [])
    assert.deepEqual(ours.nodeInputs, [])
    const inputs = ours.inputs.filter(i => i.startsWith('packages/'))
    assert.ok(inputs.includes('packages/transport-websockets/dist/src/transport.browser.js'), 'the browser transport is not in the bundle')
    for (const nodeOnly of ['transport-websockets/dist/src/transport.js', 'transport-websockets/dist/src/listener.js', 'crypto/dist/src/keys/ed25519/impl.js', 'connection-encrypter-noise/dist/src/crypto/index.js', 'logger/dist/src/debug.js']) {
      assert.ok(!inputs.includes(`packages/${nodeOnly}`), `${nodeOnly} (Node only) is in the browser bundle`)
    }
  })

  it('ours leaves out noise\'s WebAssembly ChaCha20-Poly1305 (Node only) and debug', function () {
    const nodeOnly = /node_modules\/(@chainsafe\/as-chacha20poly1305|debug|ms)\//
    assert.deepEqual(ours.keptInputs.filter(i => nodeOnly.test(i)), [])
  })

  it('ours does its curve arithmetic with @noble/curves only: none of our kept modules holds a curve constant', async function () {
    // X25519 (noise), Ed25519 (the fallback and synchronous derivation next to WebCrypto), secp256k1 and ECDSA point checks
    for (const curve of ['abstract/montgomery.js', 'abstract/edwards.js', 'abstract/weierstrass.js']) {
      assert.ok(ours.keptInputs.some(i => i.endsWith(`node_modules/@noble/curves/${curve}`)), `@noble/curves/${curve} is not in the bundle`)
    }
    assert.ok(ours.keptInputs.some(i => i.endsWith('packages/crypto/dist/src/keys/ed25519/impl.browser.js')), 'the WebCrypto Ed25519 implementation is not in the bundle')
    // a field prime or group order written as a bigint (2n ** 255n - 19n, 0xffff...n) is curve code of our own
    const curveConstant = /\b2n\s*\*\*\s*\d{3}n|\b0x[0-9a-f]{48,}n\b/i
    const ownKept = ours.keptInputs.filter(i => i.startsWith('packages/'))
    assert.ok(ownKept.length > 50, `only ${ownKept.length} of our modules kept`)
    const withCurveCode = []
    for (const input of ownKept) {
      if (curveConstant.test(await readFile(path.resolve(input), 'utf8'))) {
        withCurveCode.push(input)
      }
    }
    assert.deepEqual(withCurveCode, [])
  })

  it('ours is smaller than js-libp2p\'s, minified and gzipped (sizes printed)', function () {
    const ratio = ours.bytes / js.bytes
    const gzRatio = ours.gzipBytes / js.gzipBytes
    const verdict = (r) => r <= TARGET_RATIO ? 'PASS' : 'MISS'
    console.log(`      esbuild ${ours.esbuild}; minified: ours ${ours.bytes} B, js-libp2p ${js.bytes} B, ratio ${ratio.toFixed(3)} (target <= ${TARGET_RATIO}: ${verdict(ratio)})`)
    console.log(`      gzipped: ours ${ours.gzipBytes} B, js-libp2p ${js.gzipBytes} B, ratio ${gzRatio.toFixed(3)} (target <= ${TARGET_RATIO}: ${verdict(gzRatio)})`)
    console.log(`      ${JSON.stringify({ bundle: 'browser-node', esbuild: ours.esbuild, ours: { bytes: ours.bytes, gzipBytes: ours.gzipBytes }, js: { bytes: js.bytes, gzipBytes: js.gzipBytes }, ratio: +ratio.toFixed(3), gzRatio: +gzRatio.toFixed(3) })}`)
    assert.ok(ours.bytes < js.bytes, `ours ${ours.bytes} B is not smaller than js-libp2p's ${js.bytes} B`)
    assert.ok(ours.gzipBytes < js.gzipBytes, `ours ${ours.gzipBytes} B gzipped is not smaller than js-libp2p's ${js.gzipBytes} B`)
  })
})
