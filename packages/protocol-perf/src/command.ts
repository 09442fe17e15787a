import { isIPv4, isIPv6 } from 'node:net'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { InvalidParametersError } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { perf } from './index.js'
import type { Perf, PerfOutput } from './types.js'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'

export const USAGE = `usage:
  perf --run-server --server-address <ip:port>
      listen on TCP (Noise, Yamux) with the fixed identity of test-plans' perf servers
      (Ed25519 from an all-zero seed) until SIGINT or SIGTERM
  perf --server-address <ip:port> --transport tcp --upload-bytes N --download-bytes M
      measure against a perf server; prints one JSON line a second and a final one
`

/** where the command writes: stdout carries only the JSON results, logs go to stderr */
export interface CommandIO {
  out(line: string): void
  err(line: string): void
  /** resolves on SIGINT / SIGTERM */
  untilSignal(): Promise<void>
}

/** `ip:port` or `[ip6]:port` → `/ip4|ip6/<ip>/tcp/<port>` */
export function tcpAddress (address: string): Multiaddr {
  const m = address.match(/^\[([^\]]+)\]:(\d+)$/) ?? address.match(/^([^:]+):(\d+)$/)
  const port = m == null ? NaN : Number(m[2])
  if (m == null || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidParametersError(`--server-address must be <ip>:<port> or [<ip6>]:<port>, got "${address}"`)
  }
  const ip = m[1]
  if (isIPv4(ip)) { return multiaddr(`/ip4/${ip}/tcp/${port}`) }
  if (isIPv6(ip)) { return multiaddr(`/ip6/${ip}/tcp/${port}`) }
  throw new InvalidParametersError(`--server-address needs an IP address, got "${ip}"`)
}

function byteCount (name: string, value: string | undefined): number {
  const n = Number(value)
  if (value == null || !/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidParametersError(`--${name} must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, got ${value}`)
  }
  return n
}

async function createNode (listen: string[], fixedIdentity: boolean): Promise<Libp2p<{ perf: Perf }>> {
  return createLibp2p({
    privateKey: fixedIdentity ? await generateKeyPairFromSeed('Ed25519', new Uint8Array(32)) : undefined,
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // a benchmark target: many short connections from one client are the point
    connectionManager: { inboundConnectionThreshold: 10_000 },
    services: { perf: perf() }
  })
}

function json (output: PerfOutput): string {
  return JSON.stringify({
    type: output.type,
    timeSeconds: output.timeSeconds,
    uploadBytes: output.uploadBytes,
    downloadBytes: output.downloadBytes
  })
}

/** the test-plans perf command; resolves with the exit code */
export async function runCommand (args: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'run-server': { type: 'boolean', default: false },
      'server-address': { type: 'string' },
      transport: { type: 'string', default: 'tcp' },
      'upload-bytes': { type: 'string' },
      'download-bytes': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) {
    io.out(USAGE)
    return 0
  }
  if (values['server-address'] == null) {
    io.err(USAGE)
    return 1
  }
  const address = tcpAddress(values['server-address'])
  if (values.transport !== 'tcp') {
    throw new InvalidParametersError(`--transport ${values.transport} is not supported: tcp only`)
  }

  if (values['run-server']) {
    const node = await createNode([address.toString()], true)
    io.err(`perf server ${node.peerId}`)
    for (const ma of node.getMultiaddrs()) { io.err(`listening on ${ma}`) }
    await io.untilSignal()
    await node.stop()
    return 0
  }

  const uploadBytes = byteCount('upload-bytes', values['upload-bytes'])
  const downloadBytes = byteCount('download-bytes', values['download-bytes'])
  const node = await createNode([], false)
  try {
    for await (const output of node.services.perf.measurePerformance(address, uploadBytes, downloadBytes)) {
      if (output.type === 'connection') {
        io.err(`connected in ${output.timeSeconds.toFixed(3)} s`)
        continue
      }
      io.out(json(output))
    }
  } finally {
    await node.stop()
  }
  return 0
}
