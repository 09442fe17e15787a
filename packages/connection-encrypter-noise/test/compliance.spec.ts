import suite from '@libp2p/interface-compliance-tests/connection-encrypter'
import { noise } from '../src/index.js'

describe('compliance', () => {
  suite({
    async setup () {
      return (privateKey) => noise()({ privateKey })
    },
    keyTypes: ['Ed25519', 'secp256k1', 'ECDSA', 'RSA']
  })
})
