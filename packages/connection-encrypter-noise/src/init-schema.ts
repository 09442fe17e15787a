import { option } from '@libp2p/utils'
import type { InitSchema } from '@libp2p/utils'

const bytes = option.instance(Uint8Array)

/** what `noise(init)` accepts (NoiseInit) */
export const NOISE_INIT_SCHEMA: InitSchema = {
  staticNoiseKey: option.allOf(bytes, option.custom((value) => (value as Uint8Array).byteLength === 32 ? undefined : `must be 32 bytes (an X25519 private key), got ${(value as Uint8Array).byteLength}`)),
  extensions: option.nested({
    streamMuxers: option.array(option.string()),
    webtransportCerthashes: option.array(bytes)
  }),
  handshakeTimeout: option.ms(1),
  prologueBytes: bytes,
  crypto: option.unsupported('the primitives are built in (node:crypto in Node.js, @noble in browsers) and cannot be replaced')
}
