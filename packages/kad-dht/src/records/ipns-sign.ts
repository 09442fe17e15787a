import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { InvalidParametersError } from '@libp2p/interface'
import { encodeCbor } from './cbor.js'
import { IpnsEntry } from './ipns-entry.js'
import { parseIpnsData } from './ipns.js'
import { formatRFC3339Nanos } from './rfc3339.js'
import type { PeerId, PrivateKey } from '@libp2p/interface'

const IPNS_PREFIX = new TextEncoder().encode('/ipns/')
const SIGNATURE_V2_PREFIX = new TextEncoder().encode('ipns-signature:')
const NS_PER_MS = 1_000_000n

export interface IpnsRecordInit {
  /** higher wins when several records of one name meet (the IPNS selector) */
  sequence: bigint
  /** how long the record stays valid from `now`, in ms (its EOL) */
  lifetime: number
  /** how long a resolver may cache it, in ms */
  ttl: number
  /** ms since the epoch; default Date.now() */
  now?: number
}

/** what an IPNS record says, read back from its bytes */
export interface IpnsRecordContent {
  value: Uint8Array
  sequence: bigint
  /** the EOL as written in the record (RFC 3339) */
  validity: string
  /** cache time in ns, as the record carries it */
  ttl: bigint
}

/** the DHT key of `peer`'s IPNS name: `/ipns/` then the peer id's multihash bytes */
export function ipnsRecordKey (peer: PeerId): Uint8Array {
  const mh = peer.toMultihash().bytes
  const key = new Uint8Array(IPNS_PREFIX.length + mh.length)
  key.set(IPNS_PREFIX)
  key.set(mh, IPNS_PREFIX.length)
  return key
}

/**
 * A V2-only IPNS record (IPNS spec: DAG-CBOR `data` signed with the 'ipns-signature:' prefix),
 * which the /ipns/ validators of go, rust, js and this DHT accept. The public key rides in
 * `pubKey` only when the peer id cannot embed it (RSA), as the spec asks.
 */
export async function signIpnsRecord (privateKey: PrivateKey, value: Uint8Array, init: IpnsRecordInit): Promise<Uint8Array> {
  if (init.sequence < 0n || !Number.isSafeInteger(init.lifetime) || init.lifetime <= 0 || !Number.isSafeInteger(init.ttl) || init.ttl < 0) {
    throw new InvalidParametersError('an IPNS record needs a sequence >= 0, a lifetime > 0 ms and a ttl >= 0 ms')
  }
  const eol = BigInt((init.now ?? Date.now()) + init.lifetime) * NS_PER_MS
  const validity = new TextEncoder().encode(formatRFC3339Nanos(eol))
  const data = encodeCbor({
    Value: value,
    Validity: validity,
    ValidityType: 0n,
    Sequence: init.sequence,
    TTL: BigInt(init.ttl) * NS_PER_MS
  })
  const signed = new Uint8Array(SIGNATURE_V2_PREFIX.length + data.length)
  signed.set(SIGNATURE_V2_PREFIX)
  signed.set(data, SIGNATURE_V2_PREFIX.length)
  const signatureV2 = await privateKey.sign(signed)
  const entry: IpnsEntry = { data, signatureV2: Uint8Array.from(signatureV2) }
  if (privateKey.type === 'RSA') { entry.pubKey = Uint8Array.from(publicKeyToProtobuf(privateKey.publicKey)) }
  return IpnsEntry.encode(entry)
}

/** the signed fields of an IPNS record's bytes (not verified: the DHT's validator does that) */
export function readIpnsRecord (record: Uint8Array): IpnsRecordContent {
  const data = parseIpnsData(IpnsEntry.decode(record).data)
  return { value: data.value, sequence: data.sequence, validity: new TextDecoder().decode(data.validity), ttl: data.ttl }
}
