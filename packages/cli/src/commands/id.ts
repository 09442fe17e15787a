import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { base64 } from 'multiformats/bases/base64'
import { loadOrCreateKey } from '../key-file.js'
import { positionals, stringFlag } from './command.js'
import type { Command } from './command.js'

export const idCommand: Command = {
  name: 'id',
  help: `usage: libp2p id [--key <file>] [--json]

print a peer id and its public key
  --key <file>            the identity key file (libp2p protobuf PrivateKey, as libp2p node and relay
                          write it): read, or created (Ed25519, mode 0600) when missing; without it a
                          fresh Ed25519 key, not saved
  --json                  {"id": ..., "type": ..., "publicKey": ...} instead of text

The public key is the protobuf PublicKey in multibase base64 (its "m" prefix), as libp2p peer
records and the /pk/ DHT namespace carry it.
`,
  options: {
    key: { type: 'string' },
    json: { type: 'boolean' }
  },
  async run (args, io) {
    positionals('id', args, [])
    const file = stringFlag(args, 'key')
    let privateKey
    if (file != null) {
      const key = await loadOrCreateKey(file)
      privateKey = key.privateKey
      // stderr: stdout holds only the id, for scripts
      if (key.created) { io.err(`created identity ${file}`) }
      if (key.exposed) { io.err(`warning: ${file} can be read by other users (chmod 600 it)`) }
    } else {
      privateKey = await generateKeyPair('Ed25519')
    }
    const id = peerIdFromPrivateKey(privateKey).toString()
    const publicKey = base64.encode(publicKeyToProtobuf(privateKey.publicKey))
    if (args.values.json === true) {
      io.out(JSON.stringify({ id, type: privateKey.type, publicKey }))
    } else {
      io.out(`peer id ${id}`)
      io.out(`public key ${publicKey} (${privateKey.type})`)
    }
    return 0
  }
}
