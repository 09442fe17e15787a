// In-page helpers of the rendezvous benchmark's js-libp2p and PeerJS pages (bundled into the js
// page, imported as a module by the PeerJS page): the generated file and its digest, made the same
// way as the app's test hook does for ours, so the three stacks move the same kind of bytes.

/** getRandomValues fills at most 65,536 bytes per call */
const RANDOM_STEP = 65_536

export function randomBytes (n) {
  const data = new Uint8Array(n)
  for (let i = 0; i < n; i += RANDOM_STEP) crypto.getRandomValues(data.subarray(i, Math.min(i + RANDOM_STEP, n)))
  return data
}

/** SHA-256 as lowercase hex, one WebCrypto call over the whole file (as the app does) */
export async function sha256Hex (data) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data))
  return Array.from(digest, b => b.toString(16).padStart(2, '0')).join('')
}

/** the page's URL parameters the bench passes (room, relay, role, ...) */
export function params () {
  return Object.fromEntries(new URLSearchParams(location.search))
}

/** the last `max` entries of `list` are kept: the pages' error logs stay bounded */
export function pushBounded (list, item, max = 20) {
  list.push(item)
  list.splice(0, Math.max(0, list.length - max))
}
