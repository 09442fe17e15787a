import { InvalidParametersError } from '@libp2p/interface'

/**
 * RFC 3339 timestamps as the DHT and IPNS write them: go formats with nanoseconds
 * (`time.RFC3339Nano`), js with milliseconds, so parsing keeps all nine fraction digits and works
 * in nanoseconds; a JS Date would round an IPNS EOL to the millisecond and could order two
 * records differently than go does.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

const NS_PER_MS = 1_000_000n

/** nanoseconds since the Unix epoch; InvalidParametersError when `text` is not RFC 3339 */
export function parseRFC3339 (text: string): bigint {
  const m = RFC3339.exec(text)
  if (m == null) { throw new InvalidParametersError('not an RFC 3339 timestamp') }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number)
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  // go's time.Parse rejects a leap second (60) as out of range, so this does too
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    throw new InvalidParametersError('RFC 3339 timestamp out of range')
  }
  let offsetMinutes = 0
  if (m[8] == null) {
    const offHour = Number(m[10])
    const offMinute = Number(m[11])
    if (offHour > 23 || offMinute > 59) { throw new InvalidParametersError('RFC 3339 offset out of range') }
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offHour * 60 + offMinute)
  }
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second))
  date.setUTCFullYear(year)
  const ms = date.getTime() - offsetMinutes * 60_000
  const fraction = BigInt((m[7] ?? '').padEnd(9, '0'))
  return BigInt(ms) * NS_PER_MS + fraction
}

/** the floor of a / b for b > 0 (BigInt division rounds toward zero) */
function floorDiv (a: bigint, b: bigint): bigint {
  const q = a / b
  return q * b > a ? q - 1n : q
}

/** milliseconds since the epoch, rounded down */
export function nanosToMillis (ns: bigint): number {
  return Number(floorDiv(ns, NS_PER_MS))
}

/** RFC 3339 in UTC with nanoseconds, as go writes it (the fraction's trailing zeros are kept) */
export function formatRFC3339Nanos (ns: bigint): string {
  const seconds = floorDiv(ns, 1_000_000_000n)
  const fraction = (ns - seconds * 1_000_000_000n).toString().padStart(9, '0')
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction}Z`
}
