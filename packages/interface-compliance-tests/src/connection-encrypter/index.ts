/**
 * @packageDocumentation
 *
 * The suite every connection encrypter passes. It handshakes over an in-memory pair
 * (`@libp2p/utils`' messageStreamPair), so it runs the same in Node and in browsers.
 *
 * ```ts
 * import encrypterSuite from '@libp2p/interface-compliance-tests/connection-encrypter'
 *
 * describe('noise', () => {
 *   encrypterSuite({
 *     async setup () {
 *       return (privateKey) => noise()({ privateKey })
 *     }
 *   })
 * })
 * ```
 */
import { InvalidParametersError } from '@libp2p/interface'
import { messageStreamPair } from '@libp2p/utils'
import { expect } from 'aegir/chai'
import { checksumOf, checksumToEnd, deadline, readAtLeast, readAll, sendAll } from '../transport/stream-helpers.js'
import { UNTYPED_ERRORS, noise, party, secure } from './fixtures.js'
import type { ConnectionEncrypterTestFixtures, EncrypterFactory, Party } from './fixtures.js'
import type { KeyType, SecuredConnection } from '@libp2p/interface'

export type { ConnectionEncrypterTestFixtures, EncrypterFactory } from './fixtures.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const MIB = 1024 * 1024
/** how long the suite lets a remote stay silent before the signal ends the handshake */
const SILENCE_MS = 100

/** garbage a remote may send instead of a handshake: [name, bytes] */
const GARBAGE: Array<[string, Uint8Array]> = [
  ['one zero byte', Uint8Array.of(0)],
  ['a truncated varint', Uint8Array.of(0xff)],
  ['a huge length prefix', Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3)],
  ['a length prefix of the maximum two-byte frame', Uint8Array.of(0xff, 0xff, 1, 2)],
  ['100 random bytes', noise(100, 7)],
  ['4 KiB of random bytes', noise(4096, 8)],
  ['a multistream header', encoder.encode('\x13/multistream/1.0.0\n')]
]

export default function connectionEncrypterSuite (fixtures: ConnectionEncrypterTestFixtures): void {
  describe('interface-compliance-tests: connection encrypter', () => {
    // a holder, not a `let`: the tests are declared in loops and read the factory of their run
    const current: { factory?: EncrypterFactory } = {}
    const make = async (type?: KeyType): Promise<Party> => {
      if (current.factory == null) { throw new InvalidParametersError('setup() has not run') }
      return party(current.factory, type)
    }

    beforeEach(async () => {
      current.factory = await fixtures.setup()
    })

    afterEach(async () => {
      await fixtures.teardown?.()
    })

    it('has a protocol id', async () => {
      const { encrypter } = await make()
      expect(encrypter.protocol).to.be.a('string').and.match(/^\//)
    })

    it('handshakes: each side learns the other\'s peer id', async () => {
      const dialer = await make()
      const listener = await make()
      const { outbound, inbound } = await secure(dialer, listener)
      expect(outbound.remotePeer.equals(listener.peerId)).to.equal(true)
      expect(inbound.remotePeer.equals(dialer.peerId)).to.equal(true)
    })

    it('handshakes outbound without an expected peer', async () => {
      const dialer = await make()
      const listener = await make()
      const [a, b] = messageStreamPair()
      const [outbound, inbound] = await Promise.all([
        dialer.encrypter.secureOutbound(a, { signal: deadline() }),
        listener.encrypter.secureInbound(b, { signal: deadline() })
      ])
      expect(outbound.remotePeer.equals(listener.peerId)).to.equal(true)
      expect(inbound.remotePeer.equals(dialer.peerId)).to.equal(true)
    })

    for (const type of fixtures.keyTypes ?? ['Ed25519', 'secp256k1', 'ECDSA'] as const) {
      it(`handshakes between an Ed25519 dialer and a ${type} listener, and back`, async () => {
        const ed = await make('Ed25519')
        const other = await make(type)
        const there = await secure(ed, other)
        expect(there.outbound.remotePeer.equals(other.peerId)).to.equal(true)
        const back = await secure(other, ed)
        expect(back.inbound.remotePeer.equals(other.peerId)).to.equal(true)
      })
    }

    it('carries data both ways after the handshake', async () => {
      const { outbound, inbound } = await secure(await make(), await make())
      outbound.connection.send(encoder.encode('hello listener'))
      inbound.connection.send(encoder.encode('hello dialer'))
      expect(decoder.decode((await readAtLeast(inbound.connection, 14, { signal: deadline() })).subarray())).to.equal('hello listener')
      expect(decoder.decode((await readAtLeast(outbound.connection, 12, { signal: deadline() })).subarray())).to.equal('hello dialer')
    })

    it('carries 1 MiB chunks both ways at once, intact', async function () {
      this.timeout(60_000)
      const { outbound, inbound } = await secure(await make(), await make())
      const chunks = (seed: number): Uint8Array[] => [noise(MIB, seed), noise(MIB, seed + 1), noise(3, seed + 2)]
      const signal = deadline(50_000)
      const send = async (secured: SecuredConnection, seed: number): Promise<void> => {
        await sendAll(secured.connection, chunks(seed), { signal })
        await secured.connection.closeWrite({ signal })
      }
      const [, , atListener, atDialer] = await Promise.all([
        send(outbound, 10),
        send(inbound, 20),
        checksumToEnd(inbound.connection, { signal }),
        checksumToEnd(outbound.connection, { signal })
      ])
      expect(atListener).to.equal(checksumOf(chunks(10)))
      expect(atDialer).to.equal(checksumOf(chunks(20)))
    })

    it('loses nothing the first side to finish sends while the other still handshakes', async () => {
      const dialer = await make()
      const listener = await make()
      const [a, b] = messageStreamPair()
      const inbound = listener.encrypter.secureInbound(b, { signal: deadline() })
      const outbound = await dialer.encrypter.secureOutbound(a, { remotePeer: listener.peerId, signal: deadline() })
      outbound.connection.send(encoder.encode('early'))
      await outbound.connection.closeWrite({ signal: deadline() })
      const secured = await inbound
      expect(decoder.decode(await readAll(secured.connection, { signal: deadline() }))).to.equal('early')
    })

    it('keeps half-close: EOF reaches the other side after the data and the reverse direction still works', async () => {
      const { outbound, inbound } = await secure(await make(), await make())
      outbound.connection.send(encoder.encode('question'))
      await outbound.connection.closeWrite({ signal: deadline() })
      expect(decoder.decode(await readAll(inbound.connection, { signal: deadline() }))).to.equal('question')
      inbound.connection.send(encoder.encode('answer'))
      await inbound.connection.closeWrite({ signal: deadline() })
      expect(decoder.decode(await readAll(outbound.connection, { signal: deadline() }))).to.equal('answer')
    })

    it('fails outbound with UnexpectedPeerError when another peer answers, and ends the other side', async () => {
      const dialer = await make()
      const listener = await make()
      const stranger = await make()
      const [a, b] = messageStreamPair()
      const inbound = listener.encrypter.secureInbound(b, { signal: deadline() })
      await expect(dialer.encrypter.secureOutbound(a, { remotePeer: stranger.peerId, signal: deadline() }))
        .to.eventually.be.rejected.with.property('name', 'UnexpectedPeerError')
      // the listener's handshake fails, or it succeeds on a connection that is then ended
      try {
        const secured = await inbound
        await readAll(secured.connection, { signal: deadline() })
        expect(secured.connection.status).to.not.equal('open')
      } catch (err: any) {
        expect(err.name).to.not.be.oneOf([...UNTYPED_ERRORS, 'TimeoutError'])
      }
    })

    for (const direction of ['outbound', 'inbound'] as const) {
      for (const [what, bytes] of GARBAGE) {
        it(`${direction}: ${what} followed by EOF fails with a typed error`, async () => {
          const local = await make()
          const remote = await make()
          const [a, b] = messageStreamPair()
          const signal = deadline()
          const handshake = direction === 'outbound'
            ? local.encrypter.secureOutbound(a, { remotePeer: remote.peerId, signal })
            : local.encrypter.secureInbound(a, { signal })
          b.send(bytes)
          await b.closeWrite()
          const err = await handshake.then(() => undefined, (err: Error) => err)
          expect(err, 'the handshake succeeded on garbage').to.exist()
          expect(signal.aborted, 'the handshake hung until the deadline').to.equal(false)
          expect(err?.name).to.be.a('string').and.not.be.oneOf(UNTYPED_ERRORS)
        })
      }

      it(`${direction}: garbage without EOF fails with a typed error or is ended by the signal`, async () => {
        const local = await make()
        const remote = await make()
        const [a, b] = messageStreamPair()
        const signal = deadline(SILENCE_MS)
        const handshake = direction === 'outbound'
          ? local.encrypter.secureOutbound(a, { remotePeer: remote.peerId, signal })
          : local.encrypter.secureInbound(a, { signal })
        b.send(noise(300, 9))
        const err = await handshake.then(() => undefined, (err: Error) => err)
        expect(err, 'the handshake succeeded on garbage').to.exist()
        expect(err?.name).to.be.a('string').and.not.be.oneOf(UNTYPED_ERRORS)
      })

      it(`${direction}: a remote that says nothing is ended by the signal`, async () => {
        const local = await make()
        const remote = await make()
        const [a] = messageStreamPair()
        const signal = deadline(SILENCE_MS)
        const handshake = direction === 'outbound'
          ? local.encrypter.secureOutbound(a, { remotePeer: remote.peerId, signal })
          : local.encrypter.secureInbound(a, { signal })
        const err = await handshake.then(() => undefined, (err: Error) => err)
        expect(err?.name).to.be.oneOf(['AbortError', 'TimeoutError'])
      })
    }
  })
}
