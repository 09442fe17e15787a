/** the DNS-SD service libp2p peers announce (the libp2p mDNS spec; js, go and rust use it) */
export const DEFAULT_SERVICE_TAG = '_p2p._udp.local'

/** js-libp2p's `@libp2p/mdns` queries this often */
export const DEFAULT_INTERVAL_MS = 10_000

/** the mDNS group and port (RFC 6762) */
export const DEFAULT_MULTICAST_IP = '224.0.0.251'
export const DEFAULT_PORT = 5353

/** the TTL of the records we answer with, in seconds (js-libp2p and go-libp2p use 120) */
export const RECORD_TTL_SECONDS = 120

/** a DNS label holds at most 63 bytes, and the peer name is one label */
export const MAX_PEER_NAME_LENGTH = 63

/** a TXT string holds at most 255 bytes (RFC 6763 6.1), so a longer `dnsaddr=` entry is not sent */
export const MAX_TXT_STRING_BYTES = 255

/**
 * Records of one received packet that are looked at (answers and additionals together): a
 * libp2p response carries one PTR and a TXT record per address; the rest are ignored, so a
 * packet crammed with records costs a bounded amount of work.
 */
export const MAX_RECORDS_PER_PACKET = 64

/**
 * Addresses taken from one peer's response, and announced for this node: 32 TXT records of at
 * most 255 bytes keep our response under mDNS's 9000-byte packet size (RFC 6762 17).
 */
export const MAX_ADDRESSES_PER_PEER = 32

/** TXT strings of one packet that are parsed as `dnsaddr=` entries before the rest are ignored */
export const MAX_TXT_STRINGS_PER_PACKET = 128

/**
 * At most one response per this many ms: queries arriving sooner are answered together when it
 * has passed (responses are multicast, so one answers every querier), so a flood of queries
 * cannot turn this node into a flood of responses.
 */
export const MIN_RESPONSE_INTERVAL_MS = 1000
