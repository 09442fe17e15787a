import { ipnsRecordKey, readIpnsRecord } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import { base64 } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import { UsageError } from '../errors.js'
import type { PeerId } from '@libp2p/interface'

/**
 * The keys `libp2p dht put/get` use. DHT servers (ours, go's, rust's, js's) store only records
 * their validators accept: `/pk/<peer>` (that peer's public key) and `/ipns/<peer>` (an IPNS
 * record signed by that peer). So a value is put as an IPNS record signed by the client's key
 * and read back under that key's name; a name is written with the peer id as text, the DHT key
 * holds its multihash bytes.
 */
export interface RecordName {
  namespace: 'ipns' | 'pk'
  peer: PeerId
  /** `/<namespace>/<peer id>`, as printed */
  text: string
  /** the DHT key: `/<namespace>/` then the peer id's multihash */
  key: Uint8Array
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

export function peerArg (command: string, text: string): PeerId {
  try {
    return peerIdFromString(text)
  } catch (err: any) {
    throw new UsageError(`libp2p ${command}: ${text} is not a peer id: ${err.message}`)
  }
}

export function cidArg (command: string, text: string): CID {
  try {
    return CID.parse(text)
  } catch (err: any) {
    throw new UsageError(`libp2p ${command}: ${text} is not a CID: ${err.message}`)
  }
}

/** `/ipns/<peer id>`, `/pk/<peer id>`, or a bare peer id (its IPNS name) */
export function recordName (command: string, text: string): RecordName {
  const m = /^\/(ipns|pk)\/([^/]+)$/.exec(text)
  if (m == null && text.startsWith('/')) {
    throw new UsageError(`libp2p ${command}: ${text} is neither /ipns/<peer id> nor /pk/<peer id>: DHT servers store no other records`)
  }
  const namespace = m == null ? 'ipns' : m[1] as 'ipns' | 'pk'
  const peer = peerArg(command, m == null ? text : m[2])
  return { namespace, peer, text: `/${namespace}/${peer.toString()}`, key: namedKey(namespace, peer) }
}

function namedKey (namespace: 'ipns' | 'pk', peer: PeerId): Uint8Array {
  if (namespace === 'ipns') { return ipnsRecordKey(peer) }
  const prefix = new TextEncoder().encode('/pk/')
  const mh = peer.toMultihash().bytes
  const key = new Uint8Array(prefix.length + mh.length)
  key.set(prefix)
  key.set(mh, prefix.length)
  return key
}

/** bytes as text when they are UTF-8, else multibase base64 (its "m" prefix says so) */
export function showBytes (bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes)
  } catch {
    return base64.encode(bytes)
  }
}

/** what `dht get` prints of a record: an IPNS record's signed fields, a public key in multibase */
export function describeRecord (name: RecordName, value: Uint8Array): Record<string, string> {
  if (name.namespace === 'pk') { return { key: name.text, value: base64.encode(value) } }
  const record = readIpnsRecord(value)
  return { key: name.text, value: showBytes(record.value), sequence: record.sequence.toString(), validity: record.validity, ttl: `${record.ttl / 1_000_000n}` }
}
