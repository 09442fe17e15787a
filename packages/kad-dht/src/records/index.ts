/**
 * DHT value records: the namespaces' validators and selectors (/pk/, /ipns/), the Record
 * message's bytes, and the store of records this node holds for others.
 */
export { InvalidRecordError } from './errors.js'
export { namespaceOf } from './keys.js'
export { defaultValidators, defaultSelectors, verifyRecord, bestRecord } from './validation.js'
export { encodeRecord, decodeRecord } from './record.js'
export { RecordStore, MAX_RECORDS, MAX_RECORD_VALUE_BYTES, MAX_RECORD_KEY_BYTES } from './record-store.js'
export type { RecordStoreInit, RecordStoreComponents } from './record-store.js'
export { ipnsValidator, selectIpnsRecord, IPNS_MAX_RECORD_BYTES } from './ipns.js'
export type { IpnsValidatorInit } from './ipns.js'
export { signIpnsRecord, readIpnsRecord, ipnsRecordKey } from './ipns-sign.js'
export type { IpnsRecordInit, IpnsRecordContent } from './ipns-sign.js'
export { validatePublicKeyRecord, selectPublicKeyRecord } from './public-key.js'
