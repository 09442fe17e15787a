import { InvalidParametersError } from '@libp2p/interface'

/**
 * One option's rule: given the value (never undefined: an absent option is always allowed) and
 * its dotted path, it returns what is wrong with it, or undefined when it is acceptable.
 */
export type OptionRule = (value: unknown, path: string) => string | undefined

/** the rules of an init object, one per option it accepts (or refuses, see `option.unsupported`) */
export type InitSchema = Record<string, OptionRule>

/** the longest setTimeout delay, ms (a larger one fires at once) */
export const MAX_TIMER_MS = 2 ** 31 - 1

function describe (value: unknown): string {
  if (value === null) { return 'null' }
  if (typeof value === 'string') { return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') { return String(value) }
  if (Array.isArray(value)) { return 'an array' }
  return `a ${typeof value}`
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) { return false }
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** the first problem in `init` under `schema`, or undefined */
function problem (init: unknown, schema: InitSchema, prefix: string): string | undefined {
  if (!isPlainObject(init)) {
    return `${prefix === '' ? 'the options' : prefix} must be an object, got ${describe(init)}`
  }
  for (const [key, value] of Object.entries(init)) {
    const path = prefix === '' ? key : `${prefix}.${key}`
    const rule = Object.prototype.hasOwnProperty.call(schema, key) ? schema[key] : undefined
    if (rule == null) {
      return `unknown option ${path} (known: ${Object.keys(schema).join(', ')})`
    }
    if (value === undefined) { continue }
    const wrong = rule(value, path)
    if (wrong != null) { return wrong }
  }
  return undefined
}

/**
 * Check a factory's or createLibp2p's init against its schema: an unknown key, a value of the
 * wrong type or out of range, or a js-libp2p option this implementation does not have throws
 * InvalidParametersError naming the option by its path (`connectionManager.maxConnections`).
 * `owner` starts the message (`tcp()`, `createLibp2p`). Undefined values count as absent.
 */
export function validateInit (owner: string, init: unknown, schema: InitSchema): void {
  if (init === undefined) { return }
  const wrong = problem(init, schema, '')
  if (wrong != null) {
    throw new InvalidParametersError(`${owner}: ${wrong}`)
  }
}

function range (min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER || max === Infinity) { return `at least ${min}` }
  return `from ${min} to ${max}`
}

/** Rules for the common kinds of option */
export const option = {
  /** a safe integer in [min, max] (a count, a size in bytes) */
  integer (min = 0, max = Number.MAX_SAFE_INTEGER): OptionRule {
    return (value, path) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
      ? undefined
      : `${path} must be an integer ${range(min, max)}, got ${describe(value)}`
  },

  /** a duration in ms, an integer in [min, max]; max defaults to the longest timer */
  ms (min = 0, max = MAX_TIMER_MS): OptionRule {
    return (value, path) => typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
      ? undefined
      : `${path} must be a whole number of milliseconds ${range(min, max)}, got ${describe(value)}`
  },

  /** a finite number in [min, max] */
  number (min = -Infinity, max = Infinity): OptionRule {
    return (value, path) => typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
      ? undefined
      : `${path} must be a number${min === -Infinity ? '' : ` ${range(min, max)}`}, got ${describe(value)}`
  },

  /** a bigint in [min, max] */
  bigint (min = 0n): OptionRule {
    return (value, path) => typeof value === 'bigint' && value >= min ? undefined : `${path} must be a bigint of at least ${min}, got ${describe(value)}`
  },

  boolean (): OptionRule {
    return (value, path) => typeof value === 'boolean' ? undefined : `${path} must be true or false, got ${describe(value)}`
  },

  /** a string, one of `values` when given, matching `pattern` when given */
  string (values?: readonly string[], pattern?: RegExp): OptionRule {
    return (value, path) => {
      if (typeof value !== 'string') { return `${path} must be a string, got ${describe(value)}` }
      if (values != null && !values.includes(value)) { return `${path} must be one of ${values.map(v => JSON.stringify(v)).join(', ')}, got ${describe(value)}` }
      if (pattern != null && !pattern.test(value)) { return `${path} must match ${String(pattern)}, got ${describe(value)}` }
      return undefined
    }
  },

  func (): OptionRule {
    return (value, path) => typeof value === 'function' ? undefined : `${path} must be a function, got ${describe(value)}`
  },

  /** an instance of `type` (Uint8Array, a server...) */
  instance (type: abstract new (...args: any[]) => unknown, name = type.name): OptionRule {
    return (value, path) => value instanceof type ? undefined : `${path} must be a ${name}, got ${describe(value)}`
  },

  /**
   * an object passed through unchecked inside (a datastore, a key, a server's options), as long
   * as it is an object; `what` names it in the message
   */
  object (what = 'an object'): OptionRule {
    return (value, path) => typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : `${path} must be ${what}, got ${describe(value)}`
  },

  /** an array whose items each pass `item` (path `key[i]`), at most `maxLength` long */
  array (item: OptionRule, maxLength = Infinity): OptionRule {
    return (value, path) => {
      if (!Array.isArray(value)) { return `${path} must be an array, got ${describe(value)}` }
      if (value.length > maxLength) { return `${path} may hold at most ${maxLength} items, got ${value.length}` }
      for (let i = 0; i < value.length; i++) {
        const wrong = item(value[i], `${path}[${i}]`)
        if (wrong != null) { return wrong }
      }
      return undefined
    }
  },

  /** a nested init object with its own schema (unknown keys refused there too) */
  nested (schema: InitSchema): OptionRule {
    return (value, path) => problem(value, schema, path)
  },

  /** an object whose keys are the user's names (a services map): each value passes `item` */
  record (item: OptionRule): OptionRule {
    return (value, path) => {
      if (!isPlainObject(value)) { return `${path} must be an object, got ${describe(value)}` }
      for (const [key, v] of Object.entries(value)) {
        const wrong = item(v, `${path}.${key}`)
        if (wrong != null) { return wrong }
      }
      return undefined
    }
  },

  /** the value passes at least one of `rules`; the message is the last rule's */
  anyOf (...rules: OptionRule[]): OptionRule {
    return (value, path) => {
      let wrong: string | undefined
      for (const rule of rules) {
        wrong = rule(value, path)
        if (wrong == null) { return undefined }
      }
      return wrong
    }
  },

  /** the value passes every one of `rules` (a type rule, then a cross-field check) */
  allOf (...rules: OptionRule[]): OptionRule {
    return (value, path) => {
      for (const rule of rules) {
        const wrong = rule(value, path)
        if (wrong != null) { return wrong }
      }
      return undefined
    }
  },

  /**
   * a js-libp2p option this implementation does not have: any value is refused, the message says
   * so and what to use instead (`use`: the nearest equivalent, or why there is none)
   */
  unsupported (use: string): OptionRule {
    return (_value, path) => `${path} is a js-libp2p option this implementation does not support; ${use}`
  },

  /** a check of its own: `test` returns what is wrong (without the path) or undefined */
  custom (test: (value: unknown) => string | undefined): OptionRule {
    return (value, path) => {
      const wrong = test(value)
      return wrong == null ? undefined : `${path} ${wrong}`
    }
  }
}

/**
 * The buffer options every stream and raw connection takes (`MessageStreamInit`), for transports
 * that pass them through to their connections
 */
export const messageStreamInitSchema: InitSchema = {
  writeHighWaterMark: option.integer(1),
  writeLowWaterMark: option.integer(0),
  maxWriteBufferSize: option.integer(1),
  readHighWaterMark: option.integer(1)
}
