import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { UsageError } from './errors.js'
import { CONFIG_ENV, CONFIG_FLAG, NODE_SETTINGS, envName, flagName } from './node-settings.js'
import type { Setting } from './node-settings.js'

export type SettingValue = string | string[] | number | boolean
export type SourceKind = 'flag' | 'config' | 'env' | 'default'

export interface ResolvedSetting {
  /** null: unset (the key file, which then lives in the data directory) */
  value: SettingValue | null
  source: SourceKind
  /** the flag, the config file's path or the environment variable the value came from */
  from?: string
}

export interface NodeConfig {
  /** the config file read, absolute, if any */
  configFile?: string
  settings: Record<string, ResolvedSetting>
}

/** what parseArgs returned for the node command: flag name -> string, string[] or boolean */
export type FlagValues = Record<string, string | boolean | Array<string | boolean> | undefined>

const SOURCE_WORDS: Record<SourceKind, string> = { flag: 'flag', config: 'config file', env: 'environment variable', default: 'default' }

function describe (source: SourceKind, from: string): string {
  return `${SOURCE_WORDS[source]} ${from}`
}

function integer (s: Extract<Setting, { type: 'integer' }>, raw: unknown, where: string): number {
  // strings: digits only; Number() alone would take "", "0x10", "1e3" and " 7 "
  let n = NaN
  if (typeof raw === 'number') { n = raw }
  if (typeof raw === 'string' && /^\d+$/.test(raw)) { n = Number(raw) }
  if (!Number.isSafeInteger(n) || n < s.min || n > s.max) {
    throw new UsageError(`${s.key} from ${where} must be a whole number from ${s.min} to ${s.max}, got ${JSON.stringify(raw)}`)
  }
  return n
}

/**
 * One source's raw value for `s` as its type: flags and the environment give strings (lists
 * comma-separated in the environment, booleans "true"/"false"/"1"/"0" there), the config file
 * gives JSON values that must already have the right type.
 */
function convert (s: Setting, raw: unknown, source: SourceKind, from: string): SettingValue {
  const value = convertType(s, raw, source, from)
  // the schema's own check of the value's syntax; its entries pair each check with its type
  const problem = (s.check as ((v: SettingValue) => string | undefined) | undefined)?.(value)
  if (problem != null) { throw new UsageError(`${s.key} from ${describe(source, from)}: ${problem}`) }
  return value
}

function convertType (s: Setting, raw: unknown, source: SourceKind, from: string): SettingValue {
  const where = describe(source, from)
  if (s.type === 'integer') { return integer(s, raw, where) }
  if (s.type === 'boolean') {
    if (typeof raw === 'boolean') { return raw }
    if (source === 'env' && typeof raw === 'string' && /^(true|false|1|0)$/.test(raw)) { return raw === 'true' || raw === '1' }
    throw new UsageError(`${s.key} from ${where} must be true or false, got ${JSON.stringify(raw)}`)
  }
  if (s.type === 'string[]') {
    const list = source === 'env' && typeof raw === 'string' ? raw.split(',').map(v => v.trim()).filter(v => v !== '') : raw
    if (!Array.isArray(list) || list.some(v => typeof v !== 'string' || v === '')) {
      throw new UsageError(`${s.key} from ${where} must be a list of non-empty strings, got ${JSON.stringify(raw)}`)
    }
    return list
  }
  if (typeof raw !== 'string' || raw === '') {
    throw new UsageError(`${s.key} from ${where} must be a non-empty string, got ${JSON.stringify(raw)}`)
  }
  return raw
}

/** reads the config file: a JSON object whose keys are all settings, or a UsageError naming the file and the key */
async function readConfigFile (path: string): Promise<Record<string, unknown>> {
  let text
  try {
    text = await readFile(path, 'utf8')
  } catch (err: any) {
    throw new UsageError(`config file ${path} cannot be read: ${err.message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err: any) {
    throw new UsageError(`config file ${path} is not valid JSON: ${err.message}`)
  }
  if (parsed == null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`config file ${path} must hold a JSON object of settings`)
  }
  const known = new Set(NODE_SETTINGS.map(s => s.key))
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) {
      throw new UsageError(`config file ${path}: unknown key "${key}" (known: ${[...known].join(', ')})`)
    }
  }
  return parsed as Record<string, unknown>
}

/**
 * The node's effective settings: each from its flag, else the config file (`--config`, else
 * LIBP2P_CONFIG), else its LIBP2P_* environment variable, else the schema's default. Every
 * source's value is validated, not only the winner's, so a bad value is never silently shadowed.
 */
export async function resolveNodeConfig (flags: FlagValues, env: NodeJS.ProcessEnv): Promise<NodeConfig> {
  const configArg = flags[CONFIG_FLAG] ?? env[CONFIG_ENV]
  if (configArg === '') { throw new UsageError(`--${CONFIG_FLAG} (or ${CONFIG_ENV}) must name a file`) }
  const configFile = typeof configArg === 'string' ? resolve(configArg) : undefined
  const file = configFile != null ? await readConfigFile(configFile) : {}
  const settings: Record<string, ResolvedSetting> = {}
  for (const s of NODE_SETTINGS) {
    const flag = `--${flagName(s.key)}`
    const candidates: Array<[SourceKind, string, unknown]> = [
      ['flag', flag, flags[flagName(s.key)]],
      ['config', configFile ?? '', file[s.key]],
      ['env', envName(s.key), env[envName(s.key)]]
    ]
    let winner: ResolvedSetting | undefined
    for (const [source, from, raw] of candidates) {
      if (raw === undefined) { continue }
      const value = convert(s, raw, source, from)
      winner ??= { value, source, from }
    }
    settings[s.key] = winner ?? { value: s.default ?? null, source: 'default' }
  }
  return { configFile, settings }
}
