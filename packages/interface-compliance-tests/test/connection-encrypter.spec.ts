import connectionEncrypterSuite from '../src/connection-encrypter/index.js'
import { plaintext } from '../src/plaintext/index.js'

describe('plaintext', () => {
  connectionEncrypterSuite({
    async setup () {
      return (privateKey) => plaintext()({ privateKey })
    }
  })
})
