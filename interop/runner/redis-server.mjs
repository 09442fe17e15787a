// Starts a private redis-server on 127.0.0.1 (a free port, no persistence) for the runner, and stops
// it by PID.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { RespClient } from './resp.mjs'

const START_TIMEOUT_MS = 10_000
const STOP_TIMEOUT_MS = 5_000
const START_ATTEMPTS = 3

export class RedisServerError extends Error {
  static name = 'RedisServerError'
  name = 'RedisServerError'
}

export function redisServerInstalled () {
  return spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore', timeout: 10_000 }).status === 0
}

async function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

async function startOnce () {
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interop-redis-'))
  const child = spawn('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--loglevel', 'warning'
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr = (stderr + d).slice(-4000) })
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  child.on('error', (err) => { stderr += err.message })
  const addr = `127.0.0.1:${port}`
  const server = {
    addr,
    port,
    pid: child.pid,
    async stop () {
      try { process.kill(child.pid, 'SIGTERM') } catch {}
      const timer = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL') } catch {} }, STOP_TIMEOUT_MS)
      await exited
      clearTimeout(timer)
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  const onExit = () => { try { process.kill(child.pid, 'SIGKILL') } catch {} }
  process.once('exit', onExit)
  exited.then(() => process.removeListener('exit', onExit))
  const early = exited.then(({ code, signal }) => { throw new RedisServerError(`redis-server exited (${signal ?? `code ${code}`}): ${stderr.trim()}`) })
  try {
    const client = await Promise.race([RespClient.connect(addr, { timeoutMs: START_TIMEOUT_MS }), early])
    server.client = client
    return server
  } catch (err) {
    await server.stop()
    throw err
  }
}

/**
 * Starts redis-server and returns { addr, port, pid, client, stop() } (client: a RespClient for
 * the runner's own commands, closed by stop()).
 */
export async function startRedisServer () {
  let lastError
  for (let i = 0; i < START_ATTEMPTS; i++) {
    try {
      const server = await startOnce()
      const stop = server.stop
      server.stop = async () => { server.client.close(); await stop() }
      return server
    } catch (err) {
      lastError = err // most likely the port was taken between freePort() and the bind
    }
  }
  throw new RedisServerError(`could not start redis-server: ${lastError?.message}`)
}
