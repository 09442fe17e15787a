import { expect } from 'aegir/chai'
import * as browser from '../src/keys/ed25519/impl.browser.js'
import { hex } from './fixtures/keys.js'
import { RFC8032_VECTORS } from './fixtures/vectors.js'

// The browser Ed25519 implementation (impl.browser.ts) run directly, in Node and in Chromium (both
// have WebCrypto Ed25519): WebCrypto when it has Ed25519, @noble/curves when it refuses.
describe('Ed25519 in browsers (impl.browser.ts): WebCrypto, else @noble/curves', () => {
  const subtle = globalThis.crypto.subtle
  const { importKey, sign, verify } = subtle
  let ed25519Calls: string[]

  /** records the Ed25519 calls that reach WebCrypto; `refusal` makes its Ed25519 imports throw that DOMException name */
  function instrument (refusal?: string): void {
    ed25519Calls = []
    const isEd25519 = (algorithm: any): boolean => algorithm?.name === 'Ed25519'

    subtle.importKey = async function (format: any, keyData: any, algorithm: any, ...rest: any[]): Promise<CryptoKey> {
      if (isEd25519(algorithm)) {
        ed25519Calls.push('importKey')
        if (refusal != null) {
          throw new DOMException('refused by the test', refusal)
        }
      }
      return (importKey as any).call(subtle, format, keyData, algorithm, ...rest)
    } as any
    subtle.sign = async function (algorithm: any, ...rest: any[]): Promise<ArrayBuffer> {
      if (isEd25519(algorithm)) { ed25519Calls.push('sign') }
      return (sign as any).call(subtle, algorithm, ...rest)
    } as any
    subtle.verify = async function (algorithm: any, ...rest: any[]): Promise<boolean> {
      if (isEd25519(algorithm)) { ed25519Calls.push('verify') }
      return (verify as any).call(subtle, algorithm, ...rest)
    } as any
  }

  afterEach(() => {
    subtle.importKey = importKey
    subtle.sign = sign
    subtle.verify = verify
  })

  async function checkVectors (): Promise<void> {
    for (const vector of RFC8032_VECTORS) {
      const seed = hex(vector.seed)
      const publicKey = hex(vector.publicKey)
      const message = hex(vector.message)
      const signature = hex(vector.signature)

      expect(await browser.publicKeyFromSeedAsync(seed)).to.equalBytes(publicKey)
      expect(browser.publicKeyFromSeed(seed)).to.equalBytes(publicKey)
      expect(await browser.createSigner(seed, publicKey)(message)).to.equalBytes(signature)
      expect(await browser.createVerifier(publicKey)(message, signature)).to.equal(true)
      expect(await browser.createVerifier(publicKey)(Uint8Array.of(...message, 0), signature)).to.equal(false)
      expect(await browser.createVerifier(publicKey)(message, Uint8Array.from(signature, (b, i) => i === 63 ? b ^ 1 : b))).to.equal(false)
    }
  }

  it('uses WebCrypto where it has Ed25519, and matches the RFC 8032 vectors', async () => {
    instrument()
    await checkVectors()

    expect(ed25519Calls).to.include.members(['importKey', 'sign', 'verify'])
  })

  it('falls back to @noble/curves where WebCrypto has no Ed25519 (NotSupportedError), with the same results', async () => {
    // what Chromium before 137, Firefox before 129 and Safari before 17 answer
    instrument('NotSupportedError')
    await checkVectors()

    // WebCrypto was asked (and refused); every signature and verification was noble's
    expect(ed25519Calls).to.include('importKey')
    expect(ed25519Calls.filter(call => call !== 'importKey')).to.deep.equal([])
  })

  it('derives and signs with @noble/curves when WebCrypto refuses otherwise; verification then says false', async () => {
    instrument('OperationError')
    const vector = RFC8032_VECTORS[1]

    expect(await browser.publicKeyFromSeedAsync(hex(vector.seed))).to.equalBytes(hex(vector.publicKey))
    expect(await browser.createSigner(hex(vector.seed), hex(vector.publicKey))(hex(vector.message))).to.equalBytes(hex(vector.signature))
    expect(await browser.createVerifier(hex(vector.publicKey))(hex(vector.message), hex(vector.signature))).to.equal(false)
  })

  it('verifies nothing for a public key that is not a point or a signature of the wrong length, on either path', async () => {
    // y = 2 has no x on the curve
    const notAPoint = Uint8Array.of(2, ...new Uint8Array(31))
    const vector = RFC8032_VECTORS[0]

    for (const refusal of [undefined, 'NotSupportedError']) {
      instrument(refusal)
      expect(await browser.createVerifier(notAPoint)(Uint8Array.of(1), new Uint8Array(64).fill(1)), String(refusal)).to.equal(false)
      expect(await browser.createVerifier(hex(vector.publicKey))(hex(vector.message), hex(vector.signature).subarray(1)), String(refusal)).to.equal(false)
    }
  })
})
