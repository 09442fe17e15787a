/**
 * Provider records: the store of who provides what (for others' ADD_PROVIDER and GET_PROVIDERS)
 * and the reprovider that republishes this node's own before they expire.
 */
export { ProviderStore, MAX_PROVIDERS_PER_KEY, MAX_PROVIDER_KEYS, PROVIDERS_CLEANUP_INTERVAL_MS } from './provider-store.js'
export type { ProviderStoreInit, ProviderStoreComponents } from './provider-store.js'
export { Reprovider, REPROVIDE_CONCURRENCY, REPROVIDE_BATCH_SIZE, REPROVIDE_MAX_QUEUE_SIZE, REPROVIDE_RETRY_INTERVAL_MS, REPROVIDE_START_DELAY_MS } from './reprovider.js'
export type { ReproviderInit, ReproviderComponents } from './reprovider.js'
export { checkProviderKey, MIN_PROVIDER_KEY_BYTES, MAX_PROVIDER_KEY_BYTES } from './provider-key.js'
export type { TimerFunctions } from './periodic-task.js'
