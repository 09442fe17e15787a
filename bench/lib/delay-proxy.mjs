// A TCP proxy on loopback that holds every chunk for delayMs in each direction, so one round
// trip through it costs 2 * delayMs. The kernel has no netem here (shared/RECIPES.md), so latency
// is added in user space. The TCP handshake with the proxy itself is not delayed: what the proxy
// adds is the cost of the application's round trips only.
import net from 'node:net'

function forwardDelayed (from, to, delayMs) {
  const queue = [] // { due, chunk } or { due, end: true }, in arrival order
  let timer = null
  const pump = () => {
    timer = null
    const now = performance.now()
    while (queue.length > 0 && queue[0].due <= now + 0.25) {
      const item = queue.shift()
      if (item.end === true) to.end()
      else if (!to.destroyed) to.write(item.chunk)
    }
    schedule()
  }
  const schedule = () => {
    if (timer != null || queue.length === 0) return
    timer = setTimeout(pump, Math.max(0, queue[0].due - performance.now()))
  }
  from.on('data', (chunk) => {
    queue.push({ due: performance.now() + delayMs, chunk })
    schedule()
  })
  from.on('end', () => {
    queue.push({ due: performance.now() + delayMs, end: true })
    schedule()
  })
  return () => { if (timer != null) clearTimeout(timer) }
}

export async function startDelayProxy ({ targetHost = '127.0.0.1', targetPort, delayMs }) {
  const sockets = new Set()
  const cancels = new Set()
  const server = net.createServer({ allowHalfOpen: true }, (downstream) => {
    const upstream = net.connect({ host: targetHost, port: targetPort, allowHalfOpen: true })
    for (const s of [downstream, upstream]) {
      s.setNoDelay(true)
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
    }
    const stopA = forwardDelayed(downstream, upstream, delayMs)
    const stopB = forwardDelayed(upstream, downstream, delayMs)
    cancels.add(stopA)
    cancels.add(stopB)
    const teardown = () => {
      // an abrupt close (error, reset) is passed on after the same delay as data
      setTimeout(() => { downstream.destroy(); upstream.destroy() }, delayMs)
    }
    downstream.on('error', teardown)
    upstream.on('error', teardown)
    downstream.on('close', () => { stopA(); cancels.delete(stopA); if (!upstream.destroyed) teardown() })
    upstream.on('close', () => { stopB(); cancels.delete(stopB); if (!downstream.destroyed) teardown() })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  return {
    port: server.address().port,
    async close () {
      for (const c of cancels) c()
      for (const s of sockets) s.destroy()
      await new Promise(resolve => server.close(() => resolve()))
    }
  }
}

/** Raw TCP through the proxy: connect, send 1 byte to an echo server, wait for it. ~1 RTT. */
export async function calibrateProxy ({ delayMs, iterations = 3 }) {
  const echo = net.createServer((s) => { s.setNoDelay(true); s.on('data', d => s.write(d)); s.on('end', () => s.end()); s.on('error', () => {}) })
  await new Promise(resolve => echo.listen(0, '127.0.0.1', resolve))
  const proxy = await startDelayProxy({ targetPort: echo.address().port, delayMs })
  const samples = []
  try {
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now()
      await new Promise((resolve, reject) => {
        const s = net.connect({ host: '127.0.0.1', port: proxy.port }, () => { s.setNoDelay(true); s.write(Buffer.from([1])) })
        const timer = setTimeout(() => { s.destroy(); reject(new Error('proxy calibration timed out')) }, 10 * delayMs + 1000)
        s.once('data', () => { clearTimeout(timer); s.destroy(); resolve() })
        s.once('error', (err) => { clearTimeout(timer); reject(err) })
      })
      samples.push(performance.now() - t0)
    }
  } finally {
    await proxy.close()
    await new Promise(resolve => echo.close(() => resolve()))
  }
  return samples
}
