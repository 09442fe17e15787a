import { isIPv4, isIPv6 } from 'node:net'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { InvalidParametersError } from '@libp2p/interface'
import { perf } from '@libp2p/perf'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { integerFlag } from './flags.js'
import type { Perf, PerfOutput } from '@libp2p/perf'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from 'libp2p'

export const PERF_USAGE = `usage:
  libp2p perf --run-server --server-address <ip:port>
      listen on TCP (Noise, Yamux) with the fixed identity of test-plans' perf servers
      (Ed25519 from an all-zero seed) until SIGINT or SIGTERM
  libp2p perf --server-address <ip:port> --transport tcp --upload-bytes N --download-bytes M
      measure against a perf server; prints one JSON line a second and a final one
`

/** where the perf command writes: stdout carries only the JSON results, logs go to stderr */
export interface PerfCommandIO {
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

async function createPerfNode (listen: string[], fixedIdentity: boolean): Promise<Libp2p<{ perf: Perf }>> {
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

/** test-plans' result line: exactly these four keys */
function json (output: PerfOutput): string {
  return JSON.stringify({
    type: output.type,
    timeSeconds: output.timeSeconds,
    uploadBytes: output.uploadBytes,
    downloadBytes: output.downloadBytes
  })
}

interface PerfArgs {
  'run-server': boolean
  'server-address'?: string
  transport: string
  'upload-bytes'?: string
  'download-bytes'?: string
  help: boolean
}

const NUMERIC_FLAGS = new Set(['--upload-bytes', '--download-bytes'])

/**
 * `--upload-bytes -1` as `--upload-bytes=-1`: parseArgs refuses a value that starts with a dash as
 * ambiguous, which does not tell a script author that negative counts are the problem
 */
function joinNegativeValues (args: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1]
    if (NUMERIC_FLAGS.has(args[i]) && next != null && /^-[\d.]/.test(next)) {
      out.push(`${args[i]}=${next}`)
      i++
    } else {
      out.push(args[i])
    }
  }
  return out
}

function parsePerfArgs (args: string[]): PerfArgs {
  try {
    return parseArgs({
      args: joinNegativeValues(args),
      options: {
        'run-server': { type: 'boolean', default: false },
        'server-address': { type: 'string' },
        transport: { type: 'string', default: 'tcp' },
        'upload-bytes': { type: 'string' },
        'download-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      }
    }).values
  } catch (err: any) {
    // node:util's messages (an unknown flag, a flag without its value) say what is wrong; the
    // class is the one every bad argument of this command gets
    throw new InvalidParametersError(err.message)
  }
}

/**
 * `libp2p perf ...`: the command libp2p/test-plans' perf runner expects of every implementation
 * (the same flags and JSON lines as go-libp2p's and rust-libp2p's perf binaries). Resolves with
 * the exit code; bad arguments throw InvalidParametersError before any node starts.
 */
export async function runPerfCommand (args: string[], io: PerfCommandIO): Promise<number> {
  const values = parsePerfArgs(args)
  if (values.help) {
    io.out(PERF_USAGE)
    return 0
  }
  if (values['server-address'] == null) {
    throw new InvalidParametersError('--server-address is required')
  }
  const address = tcpAddress(values['server-address'])
  if (values.transport !== 'tcp') {
    throw new InvalidParametersError(`--transport ${values.transport} is not supported: tcp only`)
  }

  if (values['run-server']) {
    const node = await createPerfNode([address.toString()], true)
    const stopped = io.untilSignal()
    io.err(`perf server ${node.peerId.toString()}`)
    for (const ma of node.getMultiaddrs()) { io.err(`listening on ${ma.toString()}`) }
    await stopped
    await node.stop()
    return 0
  }

  const uploadBytes = integerFlag('upload-bytes', values['upload-bytes'])
  const downloadBytes = integerFlag('download-bytes', values['download-bytes'])
  const node = await createPerfNode([], false)
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
