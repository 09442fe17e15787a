/**
 * A strict reader of Prometheus' text exposition format (version 0.0.4), so tests check that what
 * `registry.metrics()` serves would be accepted by a scraper, not just that a string appears in it.
 */

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Family {
  name: string
  type?: string
  help?: string
  samples: Sample[]
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*'
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\["\\\\n])*"'
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL_NAME}=${LABEL_VALUE})(?:,${LABEL_NAME}=${LABEL_VALUE})*,?)?\\})? (\\S+)(?: (-?\\d+))?$`)
const LABEL = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g')
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])

function parseValue (text: string, line: string): number {
  // prom-client prints NaN as 'Nan'; Prometheus' parser (Go's ParseFloat) takes any case
  if (text.toLowerCase() === 'nan') { return NaN }
  if (text === '+Inf') { return Infinity }
  if (text === '-Inf') { return -Infinity }
  const value = Number(text)
  if (text === '' || Number.isNaN(value)) { throw new Error(`not a sample value: ${line}`) }
  return value
}

/** the family a sample belongs to: histogram and summary samples carry suffixes */
function familyOf (name: string, families: Map<string, Family>): Family | undefined {
  if (families.has(name)) { return families.get(name) }
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const family = families.get(name.slice(0, -suffix.length))
      if (family?.type === 'histogram' || family?.type === 'summary') { return family }
    }
  }
  return undefined
}

/** throws on the first line that is not valid exposition format; every sample must follow its TYPE line */
export function parseExposition (text: string): Map<string, Family> {
  const families = new Map<string, Family>()
  for (const line of text.split('\n')) {
    if (line === '') { continue }
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta != null) {
      const [, kind, name, rest] = meta
      if (!new RegExp(`^${NAME}$`).test(name)) { throw new Error(`bad metric name: ${line}`) }
      const family = families.get(name) ?? { name, samples: [] }
      families.set(name, family)
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) { throw new Error(`bad type: ${line}`) }
        family.type = rest
      } else {
        family.help = rest
      }
      continue
    }
    if (line.startsWith('#')) { continue }
    const match = SAMPLE.exec(line)
    if (match == null) { throw new Error(`not a sample line: ${line}`) }
    const [, name, labelText, valueText] = match
    const family = familyOf(name, families)
    if (family == null) { throw new Error(`sample before its TYPE line: ${line}`) }
    const labels: Record<string, string> = {}
    for (const [, key, quoted] of (labelText ?? '').matchAll(LABEL)) {
      labels[key] = quoted.slice(1, -1).replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1')
    }
    family.samples.push({ name, labels, value: parseValue(valueText, line) })
  }
  return families
}

/** the value of one sample (0 when the series is not there yet) */
export function sampleValue (families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(name, families)
  const sample = family?.samples.find(s => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  return sample?.value ?? 0
}
