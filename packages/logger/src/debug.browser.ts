/**
 * The logger backend in browsers: debug's namespace selection without the `debug` package.
 * Selection syntax is debug's (comma or space separated, `*` wildcards, a leading `-` excludes),
 * read from `localStorage.debug` at load and written back by `enable()` / `disable()`. Enabled
 * loggers write `%c<namespace>%c <message> +<ms>ms` to `console.debug`, the namespace coloured.
 */
import type { DebugBackend } from './debug.js'

type Instance = ReturnType<DebugBackend>

let selection = ''
let names: RegExp[] = []
let skips: RegExp[] = []
/** bumped by enable(), so instances re-check their namespace only after a change */
let generation = 0

function storage (): Storage | undefined {
  try {
    return globalThis.localStorage
  } catch {
    // a sandboxed frame or disabled storage throws on access
    return undefined
  }
}

function toRegExp (pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*?')}$`)
}

function enabled (name: string): boolean {
  return !skips.some(re => re.test(name)) && names.some(re => re.test(name))
}

function enable (namespaces: string): void {
  selection = namespaces
  names = []
  skips = []
  generation++

  for (const part of namespaces.split(/[\s,]+/)) {
    if (part !== '') {
      part[0] === '-' ? skips.push(toRegExp(part.slice(1))) : names.push(toRegExp(part))
    }
  }

  try {
    namespaces === '' ? storage()?.removeItem('debug') : storage()?.setItem('debug', namespaces)
  } catch {
    // storage full or refused: the selection still applies to this page
  }
}

function disable (): string {
  const previous = selection
  enable('')
  return previous
}

/** debug's formatting: `%x` with a registered formatter consumes its argument, `%%` is a `%` */
function format (namespace: string, hue: number, diff: number, args: any[]): any[] {
  let first = args[0]

  if (first instanceof Error) {
    first = first.stack ?? first.message
  }

  if (typeof first !== 'string') {
    args = ['%O', ...args]
    first = '%O'
  }

  const rest: any[] = []
  let i = 1
  const message = first.replace(/%([a-zA-Z%])/g, (match: string, letter: string) => {
    if (letter === '%') {
      return '%'
    }

    const formatter = backend.formatters[letter]

    if (formatter == null) {
      // left for the console, which takes the next argument for it
      if (i < args.length) {
        rest.push(args[i++])
      }

      return match
    }

    return formatter(args[i++])
  })

  rest.push(...args.slice(i))

  return [`%c${namespace}%c ${message} +${diff}ms`, `color:hsl(${hue},70%,40%);font-weight:bold`, 'color:inherit', ...rest]
}

function create (namespace: string): Instance {
  let hue = 0
  for (let i = 0; i < namespace.length; i++) {
    hue = (hue * 31 + namespace.charCodeAt(i)) % 360
  }

  let seen = -1
  let on = false
  let last = 0

  const instance = ((...args: any[]): void => {
    if (!instance.enabled) {
      return
    }

    const now = Date.now()
    const diff = last === 0 ? 0 : now - last
    last = now
    backend.log(...format(namespace, hue, diff, args))
  }) as Instance

  return Object.defineProperty(instance, 'enabled', {
    get: () => {
      if (seen !== generation) {
        seen = generation
        on = enabled(namespace)
      }

      return on
    }
  })
}

const backend: DebugBackend = Object.assign(create, {
  formatters: { j: (value: any) => JSON.stringify(value) } as Record<string, (value: any) => string>,
  enable,
  disable,
  enabled,
  log: (...args: any[]): void => {
    // eslint-disable-next-line no-console
    console.debug(...args)
  }
})

let initial: string | null | undefined

try {
  initial = storage()?.getItem('debug')
} catch {
  // unreadable storage: nothing selected
}

enable(initial ?? '')

export default backend
