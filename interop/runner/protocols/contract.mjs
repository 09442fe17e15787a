// The protocol table's contract as seen from a Node peer program (ours or js): its environment,
// Redis, and the one JSON result line. Go and rust programs implement the same contract themselves
// (docs/INTEROP.md, "Protocol cases").
//
// Environment (set by the runner for every process of a case):
//   case                  relay | dht | identify-push
//   role                  this process's part in the case (relay, listener, dialer, …)
//   ip                    address to listen on (127.0.0.1)
//   redis_addr            host:port of the case's redis-server
//   test_timeout_seconds  the whole case's budget; a program still running after it exits 1
//   plus the case type's own variables (protocols/table.mjs)
import { RespClient } from '../resp.mjs'

export const env = process.env
export const role = env.role ?? ''
export const ip = env.ip ?? '127.0.0.1'
export const timeoutSeconds = Number(env.test_timeout_seconds ?? 120)

/** logs to stderr with the program and role, so interleaved case logs stay readable */
export function makeLog (who) {
  return (...args) => console.error(`[${who} ${role}]`, ...args)
}

/** exits now with `code` after logging `message`: 0 success, 1 failure, 2 unsupported */
export function fail (log, code, message) {
  if (message != null) log(message)
  process.exit(code)
}

/** every role ends by itself or by the runner's signal; none outlives test_timeout_seconds */
export function armDeadline (log) {
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) fail(log, 2, `bad test_timeout_seconds '${env.test_timeout_seconds}'`)
  return setTimeout(() => fail(log, 1, `test_timeout_seconds (${timeoutSeconds}) elapsed`), timeoutSeconds * 1000)
}

/** a number from the environment, or exit 2 naming the variable */
export function numberFromEnv (log, name) {
  const v = Number(env[name])
  if (env[name] == null || !Number.isFinite(v) || v <= 0) fail(log, 2, `${name} must be a positive number, got '${env[name]}'`)
  return v
}

export async function connectRedis (log) {
  try {
    return await RespClient.connect(env.redis_addr ?? '127.0.0.1:6379', { timeoutMs: Math.min(timeoutSeconds * 1000, 30_000) })
  } catch (err) {
    fail(log, 1, err.message)
  }
}

/** BLPOP `key` within the case's time limit; the popped value, or exit 1 */
export async function popValue (log, redis, key) {
  let reply
  try {
    reply = await redis.command('BLPOP', key, String(Math.ceil(timeoutSeconds)))
  } catch (err) {
    fail(log, 1, `BLPOP ${key}: ${err.message}`)
  }
  if (reply == null) fail(log, 1, `BLPOP ${key}: nothing within ${timeoutSeconds} s`)
  return reply[1]
}

/** stops the node on SIGTERM/SIGINT (the runner ends relays and listeners that way) */
export function stopOnSignal (log, node) {
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    const timer = setTimeout(() => fail(log, 0, 'node.stop() did not finish in time'), 2_000)
    try { await node.stop() } catch (err) { log('node.stop():', err) }
    clearTimeout(timer)
    process.exit(0)
  }
  process.on('SIGTERM', () => { void stop() })
  process.on('SIGINT', () => { void stop() })
  return stop
}

/** writes the result line on stdout, then runs `then` (stop and exit) once it is flushed */
export function printResult (result, then) {
  process.stdout.write(JSON.stringify(result) + '\n', () => { void then() })
}

/** the first address of `addrs` (strings) on the loopback IP the case uses, as /…/p2p/<id> */
export function loopbackAddr (addrs, peerId) {
  const found = addrs.find(a => a.startsWith(`/ip4/${ip}/tcp/`) && !a.includes('/p2p-circuit') && !a.includes('/ws'))
  if (found == null) return undefined
  return found.includes('/p2p/') ? found : `${found}/p2p/${peerId}`
}
