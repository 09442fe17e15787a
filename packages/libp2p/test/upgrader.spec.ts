import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { TypedEventEmitter } from '@libp2p/interface'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { handshakeStream, messageStreamPair } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { Upgrader } from '../src/upgrader.js'
import type { Libp2pEvents, MultiaddrConnection, Registrar } from '@libp2p/interface'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('upgrader', () => {
  it('creates the muxer on the negotiated stream, so a confirmation split across chunks is not read as muxer frames', async () => {
    const remotePeer = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const [local, remote] = messageStreamPair()
    const maConn = Object.assign(local, { remoteAddr: multiaddr('/memory/remote') }) as unknown as MultiaddrConnection
    const registrar = { getProtocols: () => [], getHandler: () => { throw new Error('none') } } as unknown as Registrar
    const upgrader = new Upgrader({
      connectionGater: {},
      connectionManager: { acceptIncomingConnection: () => true, afterUpgradeInbound: () => {} },
      registrar,
      events: new TypedEventEmitter<Libp2pEvents>(),
      logger: defaultLogger()
    }, { connectionEncrypters: [], streamMuxers: [yamux()()] })

    const upgrading = upgrader.upgradeOutbound(maConn, { skipEncryption: true, remotePeer })

    // the remote answers like rust-libp2p: header and protocol in separate writes, a tick apart
    const reader = handshakeStream(remote)
    expect(new TextDecoder().decode((await reader.readLP()).subarray())).to.equal('/multistream/1.0.0\n')
    expect(new TextDecoder().decode((await reader.readLP()).subarray())).to.equal('/yamux/1.0.0\n')
    await reader.writeLP(enc('/multistream/1.0.0\n'))
    await Promise.resolve() // the first write's flush (a microtask) runs before the second write: two chunks
    await reader.writeLP(enc('/yamux/1.0.0\n'))
    const remoteMuxer = yamux()().createStreamMuxer(reader.unwrap(), { direction: 'inbound' })
    const accepted = new Promise<void>(resolve => { remoteMuxer.addEventListener('stream', () => { resolve() }, { once: true }) })

    const connection = await upgrading
    const stream = await connection.newStream('/x/1.0.0', { negotiateFully: false }).catch(() => undefined)
    await accepted
    expect(connection.status).to.equal('open')
    stream?.abort(new Error('done'))
    await connection.close()
  })
})
