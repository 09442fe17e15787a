// protocol-results.csv (name, outcome, error, as results.csv) and protocol-results.md: per case
// type, one table per implementation in its first role when it has three roles (e.g. per relay),
// rows = the reporting role, columns = the remaining role.
export { toCsv } from '../report.mjs'

const mdCell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function toProtocolMarkdown (results, caseTypes, meta) {
  const counts = { success: 0, failure: 0, 'known-failure': 0, skipped: 0 }
  for (const r of results) counts[r.outcome]++
  const out = [`Run ${meta.date} on ${meta.host}: ${results.length} cases in ${meta.seconds} s — ` +
    `${counts.success} pass, ${counts.failure} fail, ${counts['known-failure']} known failure, ${counts.skipped} skipped.`]
  if (meta.preparations.length > 0) out.push('', 'Programs: ' + meta.preparations.map(p => `\`${p.id}\` ${p.type} (${p.status})`).join(', ') + '.')
  const known = []
  for (const [type, ct] of Object.entries(caseTypes)) {
    const rs = results.filter(r => r.type === type)
    if (rs.length === 0) continue
    const others = ct.roles.filter(role => role !== ct.reporter)
    const [sectionRole, colRole] = others.length === 2 ? others : [undefined, others[0]]
    const ids = meta.ids
    out.push('', `### ${type}`, '', `Rows: ${ct.reporter}; columns: ${colRole}.`)
    const sections = sectionRole == null ? [undefined] : ids.filter(id => rs.some(r => r.impls[sectionRole] === id))
    for (const s of sections) {
      const inSection = rs.filter(r => s == null || r.impls[sectionRole] === s)
      const rows = ids.filter(id => inSection.some(r => r.impls[ct.reporter] === id))
      const cols = ids.filter(id => inSection.some(r => r.impls[colRole] === id))
      if (s != null) out.push('', `${sectionRole} \`${s}\`:`)
      out.push('', `| ${ct.reporter} \\ ${colRole} | ${cols.map(c => `\`${c}\``).join(' | ')} |`, `| --- | ${cols.map(() => '---').join(' | ')} |`)
      for (const row of rows) {
        const cells = cols.map((col) => {
          const r = inSection.find(x => x.impls[ct.reporter] === row && x.impls[colRole] === col)
          if (r == null) return '–'
          if (r.outcome === 'success') return ct.cell(r.result) + (r.knownReason != null ? ' (listed as known failure)' : '')
          if (r.outcome === 'failure') return '**FAIL**'
          if (r.outcome === 'skipped') return 'skipped'
          let i = known.indexOf(r.knownReason)
          if (i === -1) { known.push(r.knownReason); i = known.length - 1 }
          return `known failure [${i + 1}]`
        })
        out.push(`| \`${row}\` | ${cells.join(' | ')} |`)
      }
    }
  }
  if (known.length > 0) {
    out.push('', 'Known failures (interop/runner/protocols/known-failures.json):', '')
    known.forEach((reason, i) => out.push(`${i + 1}. ${mdCell(reason)}`))
  }
  const failures = results.filter(r => r.outcome === 'failure')
  if (failures.length > 0) {
    out.push('', 'Failures:', '')
    for (const r of failures) out.push(`- \`${r.name}\`: ${mdCell(r.error)}`)
  }
  const skipped = meta.preparations.filter(p => p.skip != null)
  if (skipped.length > 0) {
    out.push('', 'Skipped:', '')
    for (const p of skipped) out.push(`- \`${p.id}\` ${p.type}: ${mdCell(p.skip)}`)
  }
  return out.join('\n') + '\n'
}
