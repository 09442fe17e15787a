// What one DHT query cost, read from its events (both stacks emit js-libp2p's event names):
//   messages: SEND_QUERY events (one request each: FIND_NODE, ADD_PROVIDER, ...)
//   hops:     the depth of the peer whose answer ended a findPeer. A peer the source asked
//             without having been told about it (a routing-table seed) has depth 1; a peer first
//             named in the `closer` list of an answer from a peer of depth d has depth d + 1. So
//             hops is the length of the "X told us about Y" chain from the source's table to the
//             peer that returned the target; 1 means a seed knew the target.
//   rounds:   the largest depth of any peer that answered (for a provide's lookup too)

/** drains `events`; with stopAtFinalPeer, stops at the first FINAL_PEER (as findPeer() does) */
export async function measureQuery (events, { stopAtFinalPeer = false } = {}) {
  const depth = new Map()
  let messages = 0
  let errors = 0
  let rounds = 0
  let hops = null
  const started = performance.now()
  for await (const event of events) {
    if (event.name === 'SEND_QUERY') {
      messages++
      const key = event.to.toString()
      if (!depth.has(key)) depth.set(key, 1)
    } else if (event.name === 'PEER_RESPONSE') {
      const d = depth.get(event.from.toString()) ?? 1
      rounds = Math.max(rounds, d)
      for (const peer of event.closer ?? []) {
        const key = peer.id.toString()
        if (!depth.has(key)) depth.set(key, d + 1)
      }
    } else if (event.name === 'QUERY_ERROR') {
      errors++
    } else if (event.name === 'FINAL_PEER' && stopAtFinalPeer) {
      hops = depth.get(event.from.toString()) ?? 0
      break
    }
  }
  return { ms: performance.now() - started, messages, errors, rounds, hops, found: hops != null }
}
