// Statistics, the summary rows, the targets and the text table.

export function median (xs) {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return null
  const m = v.length >> 1
  return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2
}

export function quantile (xs, q) {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (v.length === 0) return null
  return v[Math.min(v.length - 1, Math.floor(q * v.length))]
}

export function best (xs, higherIsBetter = true) {
  const v = xs.filter(Number.isFinite)
  if (v.length === 0) return null
  return higherIsBetter ? Math.max(...v) : Math.min(...v)
}

const MB = 1e6

/** per-stack numbers from the raw rounds: { metricKey: { value, best?, p90?, n } } */
export function summarize (scenarios) {
  const out = { js: {}, ours: {} }
  for (const stack of ['js', 'ours']) {
    const s = out[stack]
    const ok = (name) => (scenarios[name]?.rounds ?? []).map(r => r[stack]).filter(r => r != null && r.error == null)

    const tp = ok('throughput')
    if (tp.length > 0) {
      const up = tp.map(r => r.upload.bytes / (r.upload.ms / 1000) / MB)
      const down = tp.map(r => r.download.bytes / (r.download.ms / 1000) / MB)
      const nsUp = tp.map(r => (r.upload.cpuUs + r.upload.serverCpuUs) * 1000 / r.upload.bytes)
      const nsDown = tp.map(r => (r.download.cpuUs + r.download.serverCpuUs) * 1000 / r.download.bytes)
      const nsAll = tp.map(r => (r.upload.cpuUs + r.upload.serverCpuUs + r.download.cpuUs + r.download.serverCpuUs) * 1000 / (r.upload.bytes + r.download.bytes))
      s.uploadMBps = { value: median(up), best: best(up), all: up }
      s.downloadMBps = { value: median(down), best: best(down), all: down }
      s.cpuNsPerByteUpload = { value: median(nsUp), best: best(nsUp, false), all: nsUp }
      s.cpuNsPerByteDownload = { value: median(nsDown), best: best(nsDown, false), all: nsDown }
      s.cpuNsPerByte = { value: median(nsAll), best: best(nsAll, false), all: nsAll }
      s.cpuNsPerByteSplit = {
        uploadClient: median(tp.map(r => r.upload.cpuUs * 1000 / r.upload.bytes)),
        uploadServer: median(tp.map(r => r.upload.serverCpuUs * 1000 / r.upload.bytes)),
        downloadClient: median(tp.map(r => r.download.cpuUs * 1000 / r.download.bytes)),
        downloadServer: median(tp.map(r => r.download.serverCpuUs * 1000 / r.download.bytes))
      }
    }

    const sty = ok('styles')
    for (const [dir, key] of [['read', 'styleRead'], ['write', 'styleWrite']]) {
      for (const style of Object.keys(sty[0]?.[dir] ?? {})) {
        const runs = sty.map(r => r[dir][style]).filter(x => x != null)
        if (runs.length === 0) continue
        const mbps = runs.map(x => x.bytes / (x.ms / 1000) / MB)
        s[`${key}:${style}`] = { value: median(mbps), best: best(mbps), all: mbps }
        s[`${key}Cpu:${style}`] = { value: median(runs.map(x => x.cpuUs * 1000 / x.bytes)) }
      }
    }

    const cn = ok('connect').flatMap(r => r.samples)
    if (cn.length > 0) {
      s.connectPingMs = { value: median(cn.map(x => x.totalMs)), best: best(cn.map(x => x.totalMs), false), p90: quantile(cn.map(x => x.totalMs), 0.9), n: cn.length }
      s.connectDialMs = { value: median(cn.map(x => x.dialMs)), n: cn.length }
      s.connectFirstPingMs = { value: median(cn.map(x => x.pingMs)), n: cn.length }
    }

    const st = ok('streams')
    if (st.length > 0) {
      const seq = st.map(r => r.sequential.perSecond)
      const par = st.map(r => r.parallel.perSecond)
      s.streamsPerSecondSequential = { value: median(seq), best: best(seq), all: seq }
      s.streamsPerSecondParallel = { value: median(par), best: best(par), all: par }
    }

    const mem = ok('memory')
    if (mem.length > 0) {
      const per = (side, field) => mem.map(r => (r[side].loaded[field] - r[side].baseline[field]) / r.connections)
      const heapBoth = mem.map(r => ((r.client.loaded.heapUsed - r.client.baseline.heapUsed) + (r.server.loaded.heapUsed - r.server.baseline.heapUsed)) / r.connections)
      const rssBoth = mem.map(r => ((r.client.loaded.rss - r.client.baseline.rss) + (r.server.loaded.rss - r.server.baseline.rss)) / r.connections)
      s.heapPerConnClient = { value: median(per('client', 'heapUsed')), all: per('client', 'heapUsed') }
      s.heapPerConnServer = { value: median(per('server', 'heapUsed')), all: per('server', 'heapUsed') }
      s.heapPerConn = { value: median(heapBoth), all: heapBoth }
      s.rssPerConnClient = { value: median(per('client', 'rss')), all: per('client', 'rss') }
      s.rssPerConnServer = { value: median(per('server', 'rss')), all: per('server', 'rss') }
      s.rssPerConn = { value: median(rssBoth), all: rssBoth }
      s.arrayBuffersPerConn = { value: median(mem.map(r => ((r.client.loaded.arrayBuffers - r.client.baseline.arrayBuffers) + (r.server.loaded.arrayBuffers - r.server.baseline.arrayBuffers)) / r.connections)) }
    }

    const wr = scenarios.wire
    const wOk = ok('wire')
    const ws = wOk.flatMap(r => r.samples)
    const wd = wOk.flatMap(r => r.directSamples ?? [])
    if (ws.length > 0) {
      const rtt = 2 * wr.params.delayMs
      const m = (xs, k) => median(xs.map(x => x[k]))
      s.wireMs = { value: m(ws, 'totalMs'), n: ws.length }
      s.wireDirectMs = { value: m(wd, 'totalMs'), n: wd.length }
      s.wireRtts = { value: m(ws, 'totalMs') / rtt, best: best(ws.map(x => x.totalMs), false) / rtt, n: ws.length }
      if (wd.length > 0) {
        s.wireNetRtts = { value: (m(ws, 'totalMs') - m(wd, 'totalMs')) / rtt }
        s.wireNetDialRtts = { value: (m(ws, 'dialMs') - m(wd, 'dialMs')) / rtt }
        s.wireNetFirstEchoRtts = { value: (m(ws, 'firstEchoMs') - m(wd, 'firstEchoMs')) / rtt }
      }
    }
  }
  const lim = (scenarios.limit?.rounds ?? []).map(r => r.limit).filter(r => r != null && r.error == null)
  if (lim.length > 0) {
    out.limit = {
      uploadMBps: { value: median(lim.map(r => r.upload.bytes / (r.upload.ms / 1000) / MB)) },
      downloadMBps: { value: median(lim.map(r => r.download.bytes / (r.download.ms / 1000) / MB)) },
      cpuNsPerByte: { value: median(lim.map(r => (r.upload.cpuUs + r.upload.serverCpuUs + r.download.cpuUs + r.download.serverCpuUs) * 1000 / (r.upload.bytes + r.download.bytes))) }
    }
  }
  return out
}

/** the limit table: the bare TCP + ChaCha20-Poly1305 pair against each stack's throughput rows */
const LIMIT_ROWS = [
  ['upload MB/s (median)', 'uploadMBps', 0],
  ['download MB/s (median)', 'downloadMBps', 0],
  ['CPU ns/byte, both ends, up+down', 'cpuNsPerByte', 2]
]

export function renderLimitTable (summary) {
  if (summary.limit == null) return null
  const header = ['metric', 'limit', 'ours', 'ours/limit', 'js-libp2p', 'js/limit']
  const body = LIMIT_ROWS.map(([label, key, digits]) => {
    const l = summary.limit[key]?.value
    const o = summary.ours[key]?.value
    const j = summary.js[key]?.value
    const r = (x) => x != null && l != null ? (x / l).toFixed(2) : '-'
    return [label, fmt(l, digits), fmt(o, digits), r(o), fmt(j, digits), r(j)]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...body.map(b => b[i].length)))
  const line = (cells) => '| ' + cells.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join(' | ') + ' |'
  return [line(header), '|' + widths.map((w, i) => i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':').join('|') + '|', ...body.map(line)].join('\n')
}

/** rows of the table: [label, key, unit, digits, target?] */
export const ROWS = [
  ['1 throughput', 'upload MB/s (median of rounds; best)', 'uploadMBps', 0, { kind: 'ratio', min: 1.6 }],
  ['1 throughput', 'download MB/s (median; best)', 'downloadMBps', 0, { kind: 'ratio', min: 1.6 }],
  ['2 cpu', 'CPU ns/byte, both ends, up+down', 'cpuNsPerByte', 2, { kind: 'ratio', max: 0.6 }],
  ['2 cpu', 'CPU ns/byte, upload (client+server)', 'cpuNsPerByteUpload', 2],
  ['2 cpu', 'CPU ns/byte, download (client+server)', 'cpuNsPerByteDownload', 2],
  ['3 connect', 'dial + first ping, ms (median; best)', 'connectPingMs', 2, { kind: 'ratio', max: 0.3 }],
  ['3 connect', '  of which dial, ms', 'connectDialMs', 2],
  ['3 connect', '  of which first ping, ms', 'connectFirstPingMs', 2],
  ['4 streams', 'streams/s sequential (open+1B echo+close)', 'streamsPerSecondSequential', 0, { kind: 'ratio', min: 4 }],
  ['4 streams', 'streams/s, 32 in parallel', 'streamsPerSecondParallel', 0, { kind: 'ratio', min: 4 }],
  ['5 memory', 'heap KiB per idle conn, both sides', 'heapPerConn', 1, { kind: 'ratio', max: 0.35 }, 1024],
  ['5 memory', '  heap KiB per conn, client', 'heapPerConnClient', 1, null, 1024],
  ['5 memory', '  heap KiB per conn, server', 'heapPerConnServer', 1, null, 1024],
  ['5 memory', 'RSS KiB per idle conn, both sides', 'rssPerConn', 1, null, 1024],
  ['5 memory', '  RSS KiB per conn, client', 'rssPerConnClient', 1, null, 1024],
  ['5 memory', '  RSS KiB per conn, server', 'rssPerConnServer', 1, null, 1024],
  ['6 wire', 'conn+stream+1 round trip, ms via proxy', 'wireMs', 1],
  ['6 wire', '  same, ms direct (no proxy)', 'wireDirectMs', 1],
  ['6 wire', 'RTTs after TCP: (proxy - direct) / RTT', 'wireNetRtts', 2, { kind: 'absolute', stack: 'ours', max: 2.25, text: 'ours <= 2 (+0.25)' }],
  ['6 wire', '  of which dial, RTTs', 'wireNetDialRtts', 2],
  ['6 wire', '  of which first stream + echo, RTTs', 'wireNetFirstEchoRtts', 2],
  ['6 wire', 'wall time via proxy / RTT', 'wireRtts', 2],
  ['7 styles', 'read: for await, MB/s', 'styleRead:for-await', 0],
  ['7 styles', 'read: message events, MB/s', 'styleRead:events', 0],
  ['7 styles', 'read: it-pipe source, MB/s', 'styleRead:it-pipe', 0],
  ['7 styles', 'read: lpStream 64 KiB, MB/s', 'styleRead:lp', 0],
  ['7 styles', 'write: send()/onDrain(), MB/s', 'styleWrite:send-ondrain', 0],
  ['7 styles', 'write: sink (js 3 has none), MB/s', 'styleWrite:sink', 0],
  ['7 styles', 'write: lpStream 64 KiB, MB/s', 'styleWrite:lp', 0],
  ['7 styles', 'CPU ns/byte, reader, for await', 'styleReadCpu:for-await', 2],
  ['7 styles', 'CPU ns/byte, reader, message events', 'styleReadCpu:events', 2],
  ['7 styles', 'CPU ns/byte, reader, lpStream', 'styleReadCpu:lp', 2],
  ['7 styles', 'CPU ns/byte, writer, send()/onDrain()', 'styleWriteCpu:send-ondrain', 2],
  ['7 styles', 'CPU ns/byte, writer, lpStream', 'styleWriteCpu:lp', 2]
]

function fmt (v, digits) {
  if (v == null || !Number.isFinite(v)) return '-'
  return v.toFixed(digits)
}

export function buildRows (summary, errors) {
  return ROWS.map(([scenario, label, key, digits, target, divisor = 1]) => {
    const js = summary.js[key]
    const ours = summary.ours[key]
    const jsv = js?.value != null ? js.value / divisor : null
    const ov = ours?.value != null ? ours.value / divisor : null
    const ratio = jsv != null && ov != null && jsv !== 0 ? ov / jsv : null
    let targetText = ''
    let result = ''
    if (target != null) {
      if (target.kind === 'ratio') {
        targetText = target.min != null ? `>= ${target.min}x` : `<= ${target.max}x`
        if (ratio == null) result = 'n/a'
        else result = (target.min != null ? ratio >= target.min : ratio <= target.max) ? 'PASS' : 'MISS'
      } else {
        targetText = target.text
        const v = target.stack === 'ours' ? ov : jsv
        result = v == null ? 'n/a' : (v <= target.max ? 'PASS' : 'MISS')
      }
    }
    const bestText = (x) => x?.best != null ? ` (${fmt(x.best / divisor, digits)})` : ''
    return {
      scenario,
      metric: label,
      key,
      js: jsv,
      ours: ov,
      ratio,
      target: targetText || null,
      result: result || null,
      text: {
        js: js == null ? (errors.js.has(scenario) ? 'FAILED' : '-') : fmt(jsv, digits) + bestText(js),
        ours: ours == null ? (errors.ours.has(scenario) ? 'FAILED' : '-') : fmt(ov, digits) + bestText(ours),
        ratio: ratio == null ? '-' : ratio.toFixed(2) + 'x'
      }
    }
  })
}

export function renderTable (rows) {
  const header = ['scenario', 'metric', 'js-libp2p', 'ours', 'ours/js', 'target', 'result']
  const body = rows.map(r => [r.scenario, r.metric, r.text.js, r.text.ours, r.text.ratio, r.target ?? '', r.result ?? ''])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map(b => b[i].length)))
  const line = (cells) => '| ' + cells.map((c, i) => i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i])).join(' | ') + ' |'
  return [line(header), '|' + widths.map((w, i) => (i >= 2 && i <= 4 ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|', ...body.map(line)].join('\n')
}
