// Imports our workspace packages for a protocol-case program, exiting 1 with a "not built" line
// when one does not load (the tree needs `npm run build`).
const PACKAGES = {
  libp2p: ['createLibp2p'],
  '@libp2p/tcp': ['tcp'],
  '@chainsafe/libp2p-noise': ['noise'],
  '@chainsafe/libp2p-yamux': ['yamux'],
  '@libp2p/identify': ['identify', 'identifyPush'],
  '@libp2p/ping': ['ping'],
  '@libp2p/circuit-relay-v2': ['circuitRelayServer', 'circuitRelayTransport'],
  '@libp2p/kad-dht': ['kadDHT'],
  '@multiformats/multiaddr': ['multiaddr']
}

/** { createLibp2p, tcp, noise, … }: every export the protocol programs use */
export async function loadModules () {
  const modules = {}
  for (const [specifier, names] of Object.entries(PACKAGES)) {
    let mod
    try {
      mod = await import(specifier)
    } catch (err) {
      console.error(`our node not built (npm run build): ${specifier} does not load: ${err?.code ?? err?.name}: ${String(err?.message).split('\n')[0]}`)
      process.exit(1)
    }
    for (const name of names) {
      if (typeof mod[name] !== 'function') {
        console.error(`our node not built (npm run build): ${specifier} has no ${name}() export`)
        process.exit(1)
      }
      modules[name] = mod[name]
    }
  }
  return modules
}
