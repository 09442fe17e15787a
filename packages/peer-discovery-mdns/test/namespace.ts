import { spawn, spawnSync } from 'node:child_process'

/** the commands that give a fresh network namespace a loopback interface that carries multicast */
const SETUP_LOOPBACK = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo'

/**
 * Why namespaced tests cannot run here, or undefined when they can: they need `unshare -n` (a
 * new network namespace, which needs root or unprivileged user namespaces) and `ip` to set up its
 * loopback.
 */
export function namespaceUnavailable (): string | undefined {
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', SETUP_LOOPBACK], { encoding: 'utf8', timeout: 10_000 })
  if (probe.error != null) { return `unshare could not run: ${probe.error.message}` }
  if (probe.status !== 0) { return `unshare -n with loopback multicast failed: ${probe.stderr.trim()}` }
  return undefined
}

export interface PeerLine {
  label: string
  event: string
  peerId?: string
  multiaddrs?: string[]
  reason?: string
  error?: string
}

export interface NamespaceRun {
  lines: PeerLine[]
  stderr: string
}

/**
 * Runs `commands` (argv arrays) side by side in one new network namespace with only a multicast
 * loopback, collecting the JSON lines they print, until `done(lines)` holds, then kills them all.
 * When all of them exit by themselves, a last line `{ label: 'namespace', event: 'exit' }` is
 * added before `done` is asked. Rejects when a command fails, when all exit before `done` holds,
 * or after `timeoutMs`, with everything printed.
 */
export async function runInNamespace (commands: string[][], done: (lines: PeerLine[]) => boolean, timeoutMs: number): Promise<NamespaceRun> {
  const quoted = commands.map(argv => argv.map(a => `'${a.replaceAll("'", "'\\''")}'`).join(' '))
  const script = `${SETUP_LOOPBACK} && { ${quoted.map(c => `${c} &`).join(' ')} wait; }`
  const child = spawn('unshare', ['-n', 'sh', '-c', script], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: PeerLine[] = []
  let stderr = ''
  let pending = ''
  const killAll = (): void => {
    // the whole process group: the shell and every peer it started
    try { process.kill(-(child.pid as number), 'SIGKILL') } catch { /* already gone */ }
  }
  return new Promise<NamespaceRun>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer)
      killAll()
      reject(new Error(`${why}\nstdout lines:\n${lines.map(l => JSON.stringify(l)).join('\n')}\nstderr:\n${stderr.slice(-4000)}`))
    }
    const timer = setTimeout(() => { fail(`not done within ${timeoutMs} ms`) }, timeoutMs)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk
      const complete = pending.split('\n')
      pending = complete.pop() ?? ''
      for (const line of complete) {
        try { lines.push(JSON.parse(line)) } catch { stderr += `(not JSON) ${line}\n` }
      }
      if (lines.some(l => l.event === 'failed')) {
        fail('a peer failed')
      } else if (done(lines)) {
        clearTimeout(timer)
        killAll()
        resolve({ lines, stderr })
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr = (stderr + chunk).slice(-64_000) })
    child.on('exit', (code) => {
      if (code !== 0 && code != null) { fail(`the namespace exited with ${code}`); return }
      // every command ended by itself: a last line says so, for `done` to see
      lines.push({ label: 'namespace', event: 'exit' })
      if (done(lines)) {
        clearTimeout(timer)
        resolve({ lines, stderr })
      } else {
        fail('every command exited before done')
      }
    })
  })
}
