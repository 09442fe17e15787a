// js-libp2p 3.3.11 (this folder's node_modules) in the protocol table's identify-push case; the
// steps are ../runner/protocols/node-programs/identify-push.mjs, shared with our node.
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { runIdentifyPushCase } from '../runner/protocols/node-programs/identify-push.mjs'

await runIdentifyPushCase('js', { createLibp2p, tcp, noise, yamux, identify, identifyPush, ping, multiaddr })
