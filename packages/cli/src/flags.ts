import { InvalidParametersError } from '@libp2p/interface'

/**
 * The value of `--<name>` as a whole number from `min` to Number.MAX_SAFE_INTEGER. Only digits are
 * accepted: Number() alone would take "", "0x10", "1e3" and " 7 ", which a script almost never means.
 */
export function integerFlag (name: string, value: string | undefined, min: number = 0): number {
  const n = Number(value)
  if (value == null || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    const shown = value == null ? 'nothing' : `"${value}"`
    throw new InvalidParametersError(`--${name} must be a whole number from ${min} to ${Number.MAX_SAFE_INTEGER}, got ${shown}`)
  }
  return n
}
