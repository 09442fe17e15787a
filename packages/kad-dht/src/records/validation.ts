import { InvalidRecordError } from './errors.js'
import { ipnsValidator, selectIpnsRecord } from './ipns.js'
import { namespaceOf } from './keys.js'
import { selectPublicKeyRecord, validatePublicKeyRecord } from './public-key.js'
import type { Selectors, Validators } from '../types.js'
import type { AbortOptions } from '@libp2p/interface'

/** /pk/ and /ipns/, the namespaces go's and rust's DHT nodes check (js's checks /pk/ only; helia adds /ipns/) */
export const defaultValidators: Validators = {
  pk: validatePublicKeyRecord,
  ipns: ipnsValidator()
}

export const defaultSelectors: Selectors = {
  pk: selectPublicKeyRecord,
  ipns: selectIpnsRecord
}

/** InvalidRecordError when the key's namespace has no validator or the validator rejects the value */
export async function verifyRecord (validators: Validators, key: Uint8Array, value: Uint8Array, options?: AbortOptions): Promise<void> {
  const namespace = namespaceOf(key)
  const validate = namespace != null && Object.hasOwn(validators, namespace) ? validators[namespace] : undefined
  if (validate == null) {
    throw new InvalidRecordError(`no validator for the record key's namespace ${namespace == null ? '(none)' : `'${namespace}'`}`)
  }
  try {
    await validate(key, value, options)
  } catch (err: any) {
    // a user-supplied validator may throw anything; callers match on InvalidRecordError
    if (err?.name === InvalidRecordError.name || err?.name === 'AbortError') { throw err }
    throw new InvalidRecordError(`the '${namespace}' validator rejected the record: ${err?.message ?? String(err)}`)
  }
}

/**
 * The index of the best of `values` for `key`. One value, or a namespace without a selector,
 * gives 0 (as go: the first). A selector's answer outside the array is an InvalidRecordError.
 */
export async function bestRecord (selectors: Selectors, key: Uint8Array, values: Uint8Array[]): Promise<number> {
  if (values.length === 0) { throw new InvalidRecordError('no records to select from') }
  if (values.length === 1) { return 0 }
  const namespace = namespaceOf(key)
  if (namespace == null || !Object.hasOwn(selectors, namespace)) { return 0 }
  const index = await selectors[namespace](key, values)
  if (!Number.isInteger(index) || index < 0 || index >= values.length) {
    throw new InvalidRecordError(`the '${namespace}' selector returned ${index} for ${values.length} records`)
  }
  return index
}
