import { parseArgs } from 'node:util'
import { UsageError } from '../errors.js'
import { integerFlag } from '../flags.js'
import type { Progress } from './progress.js'
import type { ParseArgsConfig } from 'node:util'

/** where a command prints: `out` is stdout (results), `err` is stderr (warnings), `progress` a TTY status line */
export interface CommandIO {
  out(line: string): void
  err(line: string): void
  progress: Progress
  env: NodeJS.ProcessEnv
}

export type CommandOptions = NonNullable<ParseArgsConfig['options']>

export interface ParsedArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>
  positionals: string[]
}

/** one `libp2p <name>` command: its flags, its --help text and what it does; run() resolves with the exit code */
export interface Command {
  name: string
  help: string
  options: CommandOptions
  run(args: ParsedArgs, io: CommandIO): Promise<number>
}

/** parseArgs with its errors (unknown flag, missing value) as UsageErrors naming the command */
export function parseCommandArgs (command: string, args: string[], options: CommandOptions): ParsedArgs {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (err: any) {
    throw new UsageError(`libp2p ${command}: ${err.message} (libp2p help ${command})`)
  }
}

/** integerFlag() for the commands whose bad values are usage errors (perf keeps test-plans' exit 1) */
export function usageInteger (name: string, value: string | undefined, min: number): number {
  try {
    return integerFlag(name, value, min)
  } catch (err: any) {
    throw new UsageError(err.message)
  }
}

/** a string flag's value (parseArgs types every value alike) */
export function stringFlag (args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name]
  return typeof value === 'string' ? value : undefined
}

/** a repeatable string flag's values, in order */
export function listFlag (args: ParsedArgs, name: string): string[] {
  const value = args.values[name]
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/** exactly `names.length` positionals, else a UsageError naming the missing or extra one */
export function positionals (command: string, args: ParsedArgs, names: string[]): string[] {
  if (args.positionals.length < names.length) {
    throw new UsageError(`libp2p ${command}: ${names[args.positionals.length]} is required (libp2p help ${command})`)
  }
  if (args.positionals.length > names.length) {
    throw new UsageError(`libp2p ${command}: unexpected argument ${args.positionals[names.length]} (libp2p help ${command})`)
  }
  return args.positionals
}

/** `--timeout <ms>` of the client commands: a whole number of ms from 1, else `fallback` */
export function timeoutFlag (args: ParsedArgs, fallback: number): number {
  const value = stringFlag(args, 'timeout')
  return value == null ? fallback : usageInteger('timeout', value, 1)
}
