// The relay case for a js-libp2p-API node (ours or js-libp2p 3): one module, given the node's
// modules by the program that imports them (../ours/relay.mjs for ours, interop/js-peer/relay-case.mjs
// for js), so both run the same steps. TCP + Noise + Yamux on $ip.
//
// Roles (env `role`):
//   relay     circuit relay v2 server with reservationTtl = $relay_reservation_ttl_seconds and
//             defaultDataLimit = $relay_data_limit_bytes; RPUSHes its address to `relayAddr`
//   listener  BLPOPs `relayAddr`, listens on <relay>/p2p-circuit (a reservation, refreshed by its
//             client), serves ECHO_PROTOCOL on limited connections, RPUSHes its circuit address
//             to `listenerAddr`
//   dialer    BLPOPs `listenerAddr`, waits until the first reservation has expired (so only a
//             refreshed one lets it through), dials through the relay, echoes
//             a quarter of $relay_data_limit_bytes (data flows under the limit),
//             then sends 4 × $relay_data_limit_bytes on a second echo stream and expects the relay
//             to cut it; prints the result line (see RELAY_RESULT_KEYS in ../table.mjs)
import { performance } from 'node:perf_hooks'
import {
  armDeadline, connectRedis, fail, ip, loopbackAddr, makeLog, numberFromEnv, popValue, printResult,
  role, stopOnSignal
} from '../contract.mjs'

export const ECHO_PROTOCOL = '/echo/1.0.0'
const CHUNK_BYTES = 16 * 1024
/** past the first reservation's expiry (whole seconds on the wire) before dialling */
const EXPIRY_MARGIN_MS = 2_000
/** the over-limit transfer must be cut or finish within this */
const OVER_LIMIT_WAIT_MS = 30_000

/** echoes until the remote closes its write side, then closes ours */
async function serveEcho (stream) {
  try {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    await stream.close()
  } catch {
    // a circuit cut by the relay's limit ends here; nothing to answer
  }
}

/**
 * Sends `bytes` on a new echo stream while reading the echo; resolves with how much came back and
 * how the stream ended: { received, ended: 'complete' | 'cut' | 'timeout', error }
 */
async function echo (connection, bytes, waitMs) {
  const signal = AbortSignal.timeout(waitMs)
  const stream = await connection.newStream(ECHO_PROTOCOL, { signal, runOnLimitedConnection: true })
  let timedOut = false
  signal.addEventListener('abort', () => { timedOut = true; stream.abort(signal.reason) }, { once: true })
  const reading = (async () => {
    let received = 0
    try {
      for await (const chunk of stream) received += chunk.byteLength
      return { received }
    } catch (err) {
      return { received, error: err }
    }
  })()
  let writeError
  try {
    const chunk = new Uint8Array(CHUNK_BYTES).map((_, i) => (i * 7) & 0xff)
    for (let sent = 0; sent < bytes; sent += CHUNK_BYTES) {
      const piece = chunk.subarray(0, Math.min(CHUNK_BYTES, bytes - sent))
      if (!stream.send(piece)) await stream.onDrain({ signal })
    }
    await stream.close({ signal })
  } catch (err) {
    writeError = err
  }
  const { received, error } = await reading
  const cause = error ?? writeError
  const ended = timedOut ? 'timeout' : received === bytes && cause == null ? 'complete' : 'cut'
  return { received, ended, error: cause == null ? undefined : `${cause.name}: ${cause.message}` }
}

export async function runRelayCase (who, m) {
  const log = makeLog(who)
  const deadline = armDeadline(log)
  const baseConfig = {
    connectionEncrypters: [m.noise()],
    streamMuxers: [m.yamux()],
    connectionGater: { denyDialMultiaddr: () => false },
    // relayed connections all come from the relay's IP
    connectionManager: { inboundConnectionThreshold: 100 }
  }
  const redis = await connectRedis(log)

  if (role === 'relay') {
    const ttlSeconds = numberFromEnv(log, 'relay_reservation_ttl_seconds')
    const dataLimit = numberFromEnv(log, 'relay_data_limit_bytes')
    const node = await m.createLibp2p({
      ...baseConfig,
      addresses: { listen: [`/ip4/${ip}/tcp/0`] },
      transports: [m.tcp()],
      services: {
        identify: m.identify(),
        ping: m.ping(),
        relay: m.circuitRelayServer({ reservations: { reservationTtl: ttlSeconds * 1000, defaultDataLimit: BigInt(dataLimit) } })
      }
    })
    stopOnSignal(log, node)
    const addr = loopbackAddr(node.getMultiaddrs().map(String), node.peerId.toString())
    if (addr == null) fail(log, 1, `no ${ip} TCP address among ${node.getMultiaddrs().join(' ')}`)
    log(`relay on ${addr} (reservation TTL ${ttlSeconds} s, data limit ${dataLimit} B)`)
    await redis.command('RPUSH', 'relayAddr', addr)
    redis.close()
    return // runs until the runner stops it
  }

  if (role === 'listener') {
    const relayAddr = await popValue(log, redis, 'relayAddr')
    const node = await m.createLibp2p({
      ...baseConfig,
      addresses: { listen: [`${relayAddr}/p2p-circuit`] },
      transports: [m.tcp(), m.circuitRelayTransport()],
      services: { identify: m.identify(), ping: m.ping() }
    })
    stopOnSignal(log, node)
    await node.handle(ECHO_PROTOCOL, serveEcho, { runOnLimitedConnection: true })
    const circuitAddr = () => node.getMultiaddrs().map(String).find(a => a.startsWith(`${relayAddr}/p2p-circuit/p2p/`))
    if (circuitAddr() == null) {
      await new Promise((resolve) => {
        const check = () => { if (circuitAddr() != null) { node.removeEventListener('self:peer:update', check); resolve() } }
        node.addEventListener('self:peer:update', check)
        check()
      })
    }
    log(`reserved: ${circuitAddr()}`)
    await redis.command('RPUSH', 'listenerAddr', circuitAddr())
    redis.close()
    return
  }

  if (role === 'dialer') {
    const ttlSeconds = numberFromEnv(log, 'relay_reservation_ttl_seconds')
    const dataLimit = numberFromEnv(log, 'relay_data_limit_bytes')
    const target = await popValue(log, redis, 'listenerAddr')
    redis.close()
    deadline.unref()
    // the reservation the listener announced expires ttl seconds after it was granted; a dial
    // after that reaches the listener only if its client refreshed the reservation
    const refreshWaitMs = ttlSeconds * 1000 + EXPIRY_MARGIN_MS
    log(`listener at ${target}; dialling in ${refreshWaitMs} ms, after its first reservation expired`)
    await new Promise(resolve => setTimeout(resolve, refreshWaitMs))
    const node = await m.createLibp2p({
      ...baseConfig,
      transports: [m.tcp(), m.circuitRelayTransport()],
      services: { identify: m.identify(), ping: m.ping() }
    })
    const stop = stopOnSignal(log, node)
    const smallBytes = Math.floor(dataLimit / 4)
    let connection, connectMs, small, over
    try {
      const t0 = performance.now()
      connection = await node.dial(m.multiaddr(target), { signal: AbortSignal.timeout(30_000) })
      connectMs = performance.now() - t0
      const t1 = performance.now()
      small = await echo(connection, smallBytes, 30_000)
      small.ms = performance.now() - t1
    } catch (err) {
      fail(log, 1, `dial through the relay + echo failed: ${err?.name}: ${err?.message}`)
    }
    if (small.ended !== 'complete') fail(log, 1, `echo of ${smallBytes} B through the relay did not complete: ${small.received} B back (${small.ended}${small.error != null ? `, ${small.error}` : ''})`)
    if (!connection.remoteAddr.toString().includes('/p2p-circuit')) fail(log, 1, `the connection is not relayed: ${connection.remoteAddr}`)
    log(`connected through the relay in ${connectMs.toFixed(1)} ms (limits ${JSON.stringify(connection.limits ?? null, (_, v) => typeof v === 'bigint' ? Number(v) : v)}); echo ok`)
    const overBytes = dataLimit * 4
    try {
      over = await echo(connection, overBytes, OVER_LIMIT_WAIT_MS)
    } catch (err) {
      // the relay may already have closed the circuit after the first echo's bytes
      over = { received: 0, ended: 'cut', error: `${err?.name}: ${err?.message}` }
    }
    log(`over-limit transfer of ${overBytes} B: ${over.ended} after ${over.received} B echoed${over.error != null ? ` (${over.error})` : ''}`)
    if (over.ended === 'complete') fail(log, 1, `the relay let ${overBytes} B through both ways, over its ${dataLimit} B data limit`)
    if (over.ended === 'timeout') fail(log, 1, `the over-limit transfer was neither cut nor completed within ${OVER_LIMIT_WAIT_MS} ms (${over.received} B echoed)`)
    const round = (ms) => Math.round(ms * 1000) / 1000
    printResult({
      refreshWaitMillis: refreshWaitMs,
      connectMillis: round(connectMs),
      echoMillis: round(small.ms),
      echoBytes: smallBytes,
      limitCutAfterBytes: over.received,
      overLimitBytes: overBytes
    }, async () => { await stop() })
    return
  }
  fail(log, 2, `unknown role '${role}' (relay, listener, dialer)`)
}
