// js-libp2p 3.3.11 (this folder's node_modules) in the protocol table's relay case; the steps are
// ../runner/protocols/node-programs/relay.mjs, shared with our node.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { runRelayCase } from '../runner/protocols/node-programs/relay.mjs'

await runRelayCase('js', { createLibp2p, tcp, noise, yamux, identify, ping, circuitRelayServer, circuitRelayTransport, multiaddr })
