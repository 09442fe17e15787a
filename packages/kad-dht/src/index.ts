/**
 * @packageDocumentation
 *
 * The libp2p Kademlia DHT (specs/kad-dht): peer routing, content routing and value storage over
 * `/ipfs/kad/1.0.0`, wire-compatible with go-libp2p-kad-dht, rust-libp2p's kad and js-libp2p's
 * kad-dht, with js-libp2p's API.
 */
export * from './types.js'
export { PROTOCOL, LAN_PROTOCOL } from './constants.js'
