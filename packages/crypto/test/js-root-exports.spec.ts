// js-libp2p's root exports of @libp2p/crypto (randomBytes, pbkdf2, the hmac and keys namespaces)
// and its ./hmac entry point, checked against RFC 6070 / RFC 2202 / RFC 4231 vectors and vectors
// computed with Node's own crypto module.
import { expect } from 'aegir/chai'
import { create } from '../src/hmac/index.js'
import * as crypto from '../src/index.js'
import { hex } from './fixtures/keys.js'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('js-libp2p root exports', () => {
  it('randomBytes gives the length asked for, fresh each time, and refuses lengths that cannot work', () => {
    expect(crypto.randomBytes(32)).to.have.lengthOf(32)
    expect(crypto.randomBytes(32)).to.not.equalBytes(crypto.randomBytes(32))
    // more than one getRandomValues() call can fill
    const big = crypto.randomBytes(70_000)
    expect(big).to.have.lengthOf(70_000)
    expect(big.subarray(65_536).some(b => b !== 0)).to.equal(true)
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => crypto.randomBytes(bad)).to.throw().with.property('name', 'InvalidParametersError')
    }
  })

  it('pbkdf2 matches RFC 6070 and Node\'s pbkdf2Sync, as unpadded base64', () => {
    // RFC 6070 test 1: 0c60c80f961f0e71f3a9b524af6012062fe037a6
    expect(crypto.pbkdf2('password', 'salt', 1, 20, 'sha1')).to.equal('DGDID5YfDnHzqbUkr2ASBi/gN6Y')
    expect(crypto.pbkdf2('password', text('salt'), 4096, 32, 'sha2-256')).to.equal('xeR41ZKIyEGqUw22hFxMjZYok6ABzk4RpJY4c6qYE0o')
    expect(crypto.pbkdf2('passwordPASSWORDpassword', 'saltSALTsaltSALTsaltSALTsaltSALTsalt', 4096, 40, 'sha2-512'))
      .to.equal('jAUR9Mbll8asYxXY8DYuIl88UBSVuiO4aMAFF03E7nERW1n55gzZUw')
    expect(() => crypto.pbkdf2('password', 'salt', 1, 20, 'md5')).to.throw().with.property('name', 'InvalidParametersError')
  })

  it('hmac.create matches RFC 2202 and RFC 4231 test case 2', async () => {
    const data = text('what do ya want for nothing?')
    const sha1 = await create('SHA1', text('Jefe'))
    expect(sha1.length).to.equal(20)
    expect(await sha1.digest(data)).to.equalBytes(hex('effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'))
    const sha256 = await crypto.hmac.create('SHA256', text('Jefe'))
    expect(sha256.length).to.equal(32)
    expect(await sha256.digest(data)).to.equalBytes(hex('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'))
    const sha512 = await create('SHA512', text('Jefe'))
    expect(await sha512.digest(data)).to.equalBytes(hex('164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737'))
    await expect(create('MD5' as any, text('k'))).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('keys is also a namespace, as on js-libp2p\'s root', async () => {
    const key = await crypto.keys.generateKeyPair('Ed25519')
    expect(crypto.keys.privateKeyFromProtobuf(crypto.keys.privateKeyToProtobuf(key)).equals(key)).to.equal(true)
    expect(crypto.keys.generateKeyPair).to.equal(crypto.generateKeyPair)
  })
})
