import { constants } from 'node:fs'
import { open, readFile, stat } from 'node:fs/promises'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

export interface KeyFile {
  privateKey: PrivateKey
  /** the file did not exist and was written */
  created: boolean
  /** the file can be read by other users (group or world bits set) */
  exposed: boolean
}

/**
 * The node's identity from `path` (a libp2p protobuf PrivateKey, as js-libp2p and go-libp2p write
 * it), or a new Ed25519 key written there, readable by its owner only. The file is created
 * exclusively, so two processes starting at once cannot both write one.
 */
export async function loadOrCreateKey (path: string): Promise<KeyFile> {
  try {
    const bytes = await readFile(path)
    const mode = (await stat(path)).mode
    return { privateKey: privateKeyFromProtobuf(bytes), created: false, exposed: (mode & 0o077) !== 0 }
  } catch (err: any) {
    if (err.code !== 'ENOENT') { throw err }
  }
  const privateKey = await generateKeyPair('Ed25519')
  const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  try {
    await file.writeFile(privateKeyToProtobuf(privateKey))
    await file.sync()
  } finally {
    await file.close()
  }
  return { privateKey, created: true, exposed: false }
}
