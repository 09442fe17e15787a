// The DHT commands of the mixed-network test (interop/test/dht-mixed.spec.mjs), written once
// against js-libp2p kad-dht 16's API so that they run the same on a js-libp2p node (dht-peer.mjs,
// in its own process) and on ours (in the test process). Each dependency comes from the caller,
// so each side parses multiaddrs, peer ids and CIDs with its own modules.
//
// A request is {cmd, key?, value?, cid?, peer?, target?} (record keys and values in hex: the test's
// records are /pk/ records, binary); the result is a plain JSON object. Every
// lookup that could be answered from this node's own store or peer store is run with
// useCache: false, so that the answer comes over the wire from other nodes.

const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], b => parseInt(b, 16))
const toHex = (bytes) => Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')

/**
 * @param {any} node - a started libp2p node with services.dht
 * @param {Record<string, any>} req
 * @param {{ multiaddr: (s: string) => any, peerIdFromString: (s: string) => any, parseCid: (s: string) => any, signal: AbortSignal }} deps
 */
export async function runDhtCommand (node, req, { multiaddr, peerIdFromString, parseCid, signal }) {
  const dht = node.services.dht
  const self = node.peerId.toString()
  switch (req.cmd) {
    case 'connect': {
      const conn = await node.dial(multiaddr(req.target), { signal })
      return { peer: conn.remotePeer.toString() }
    }
    case 'disconnect':
      await node.hangUp(peerIdFromString(req.peer), { signal })
      return {}
    case 'routingTable':
      return { size: dht.routingTable.size }
    case 'refresh':
      await dht.refreshRoutingTable()
      return { size: dht.routingTable.size }
    case 'put': {
      // the peers that answered PUT_VALUE (js's put does not throw when nobody stored it)
      const stored = []
      for await (const ev of dht.put(fromHex(req.key), fromHex(req.value), { signal })) {
        if (ev.name === 'PEER_RESPONSE' && ev.messageName === 'PUT_VALUE') { stored.push(ev.from.toString()) }
      }
      if (stored.length === 0) { throw new Error(`no peer accepted PUT_VALUE for ${req.key}`) }
      return { storedOn: stored }
    }
    case 'get': {
      // js 16.4.5's get reads its own store whatever useCache says (ours skips it), then yields
      // one VALUE, the best record: `local` says whether that one came from this node's store
      for await (const ev of dht.get(fromHex(req.key), { signal, useCache: false })) {
        if (ev.name === 'VALUE') {
          return { value: toHex(ev.value), from: ev.from.toString(), local: ev.from.toString() === self }
        }
      }
      throw new Error(`no value found for ${req.key}`)
    }
    case 'provide': {
      const told = []
      for await (const ev of dht.provide(parseCid(req.cid), { signal })) {
        if (ev.name === 'PEER_RESPONSE' && ev.messageName === 'ADD_PROVIDER') { told.push(ev.from.toString()) }
      }
      return { told }
    }
    case 'findProviders': {
      const found = new Map()
      for await (const ev of dht.findProviders(parseCid(req.cid), { signal, useCache: false })) {
        if (ev.name !== 'PROVIDER') { continue }
        for (const p of ev.providers) {
          found.set(p.id.toString(), { id: p.id.toString(), multiaddrs: p.multiaddrs.map(a => a.toString()), from: ev.from.toString() })
        }
        if (req.peer != null && found.has(req.peer)) { break }
      }
      return { providers: [...found.values()] }
    }
    case 'findPeer': {
      for await (const ev of dht.findPeer(peerIdFromString(req.peer), { signal, useCache: false })) {
        if (ev.name === 'FINAL_PEER') {
          return { id: ev.peer.id.toString(), multiaddrs: ev.peer.multiaddrs.map(a => a.toString()), from: ev.from.toString() }
        }
      }
      throw new Error(`${req.peer} not found`)
    }
    default:
      throw new Error(`unknown command ${JSON.stringify(req.cmd)}`)
  }
}
