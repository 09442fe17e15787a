import { InvalidParametersError } from '@libp2p/interface'

/** a provider key is a multihash normally; go refuses an empty key or one over 80 bytes, and so does this */
export const MIN_PROVIDER_KEY_BYTES = 1
export const MAX_PROVIDER_KEY_BYTES = 80

export function checkProviderKey (key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length < MIN_PROVIDER_KEY_BYTES || key.length > MAX_PROVIDER_KEY_BYTES) {
    throw new InvalidParametersError(`a provider key is ${MIN_PROVIDER_KEY_BYTES} to ${MAX_PROVIDER_KEY_BYTES} bytes`)
  }
}
