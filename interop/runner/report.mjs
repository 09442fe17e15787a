// results.csv (test-plans columns: name, outcome, error) and results.md (one matrix per transport /
// security / muxer combination: dialer rows, listener columns).

function csvField (s) {
  const v = String(s ?? '')
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

export function toCsv (results) {
  const rows = [['name', 'outcome', 'error']]
  for (const r of results) rows.push([r.name, r.outcome, r.outcome === 'known-failure' ? `${r.error} (known: ${r.knownReason})` : r.error])
  return rows.map(row => row.map(csvField).join(',')).join('\n') + '\n'
}

const mdCell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ')
const fmtMs = (v) => Number(v).toFixed(v >= 100 ? 0 : 1)

/** "tcp, noise, yamux" or "webrtc-direct" */
export const comboLabel = (c) => [c.transport, c.security, c.muxer].filter(x => x != null).join(', ')

export function toMarkdown (results, meta) {
  const counts = { success: 0, failure: 0, 'known-failure': 0, skipped: 0 }
  for (const r of results) counts[r.outcome]++
  const out = []
  out.push(`Run ${meta.date} on ${meta.host}: ${results.length} cases in ${meta.seconds} s — ` +
    `${counts.success} pass, ${counts.failure} fail, ${counts['known-failure']} known failure, ${counts.skipped} skipped.`)
  if (meta.implementations.length > 0) {
    out.push('', 'Implementations: ' + meta.implementations.map(i => `\`${i.id}\` (${i.status})`).join(', ') + '.')
  }
  out.push('', 'Rows dial, columns listen. `pass` shows handshakePlusOneRTTMillis / pingRTTMilllis in ms; `–` means the pair shares no such transport or the column only dials it.')

  const known = []
  const combos = [...new Set(results.map(r => comboLabel(r)))]
  for (const combo of combos) {
    const rs = results.filter(r => comboLabel(r) === combo)
    const ids = meta.implementations.map(i => i.id)
    const dialers = ids.filter(id => rs.some(r => r.dialer === id))
    const listeners = ids.filter(id => rs.some(r => r.listener === id))
    out.push('', `### ${combo}`, '')
    out.push(`| dialer \\ listener | ${listeners.map(l => `\`${l}\``).join(' | ')} |`)
    out.push(`| --- | ${listeners.map(() => '---').join(' | ')} |`)
    for (const d of dialers) {
      const cells = listeners.map((l) => {
        const r = rs.find(x => x.dialer === d && x.listener === l)
        if (r == null) return '–'
        switch (r.outcome) {
          case 'success': return `pass ${fmtMs(r.result.handshakePlusOneRTTMillis)} / ${fmtMs(r.result.pingRTTMilllis)}${r.knownReason != null ? ' (listed as known failure)' : ''}`
          case 'failure': return '**FAIL**'
          case 'skipped': return 'skipped'
          case 'known-failure': {
            let i = known.indexOf(r.knownReason)
            if (i === -1) { known.push(r.knownReason); i = known.length - 1 }
            return `known failure [${i + 1}]`
          }
          default: return r.outcome
        }
      })
      out.push(`| \`${d}\` | ${cells.join(' | ')} |`)
    }
  }
  if (known.length > 0) {
    out.push('', 'Known failures (interop/runner/known-failures.json):', '')
    known.forEach((reason, i) => out.push(`${i + 1}. ${mdCell(reason)}`))
  }
  const failures = results.filter(r => r.outcome === 'failure')
  if (failures.length > 0) {
    out.push('', 'Failures:', '')
    for (const r of failures) out.push(`- \`${r.name}\`: ${mdCell(r.error)}`)
  }
  const skippedImpls = meta.implementations.filter(i => i.skip != null)
  if (skippedImpls.length > 0) {
    out.push('', 'Skipped:', '')
    for (const i of skippedImpls) out.push(`- \`${i.id}\`: ${mdCell(i.skip)}`)
  }
  return out.join('\n') + '\n'
}
