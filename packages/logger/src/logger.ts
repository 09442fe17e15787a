import { BoundedMap } from './bounded-map.js'
import { DEFAULT_PEER_PREFIX_LENGTH, DEFAULT_PEER_SUFFIX_LENGTH, MAX_CACHED_LOGGERS } from './constants.js'
import debug from './debug.js'
import { formatters } from './formatters.js'
import type { ComponentLogger, Logger, PeerId } from '@libp2p/interface'

// registered once, when the package is first imported; debug looks them up by letter at log time
for (const [letter, formatter] of Object.entries(formatters)) {
  debug.formatters[letter] = formatter
}

const cache = new BoundedMap<string, Logger>(MAX_CACHED_LOGGERS)

/**
 * Creates a logger without touching the cache. The returned function is the backend's instance
 * for `name` (debug.ts: the `debug` package in Node, its browser stand-in), so `log.enabled` is
 * its getter: one comparison against the selection it last saw, re-evaluated only after `enable()`
 * or `disable()`.
 *
 * A debug instance costs a few microseconds to make, so the `:error` and `:trace` instances are
 * made on the first call to `log.error` / `log.trace`, which then replaces itself with the
 * instance: a logger whose error and trace are never called costs one instance.
 */
function createLogger (name: string): Logger {
  const log = debug(name) as ReturnType<typeof debug> & Partial<Pick<Logger, 'error' | 'trace' | 'newScope'>>

  log.error = (formatter: any, ...args: any[]): void => {
    const error = debug(`${name}:error`)
    log.error = error
    error(formatter, ...args)
  }

  log.trace = (formatter: any, ...args: any[]): void => {
    const trace = debug(`${name}:trace`)
    log.trace = trace
    trace(formatter, ...args)
  }

  // through logger(), so a scope made on every stream of a connection reuses the cached instance
  log.newScope = (scope: string): Logger => logger(`${name}:${scope}`)

  return log as Logger
}

/**
 * A debug-compatible logger for `name`: `log(...)` writes to the `name` namespace,
 * `log.error(...)` to `name:error` and `log.trace(...)` to `name:trace`.
 *
 * Loggers are cached by name (at most `MAX_CACHED_LOGGERS`, oldest evicted first), so calling this
 * once per stream or connection with a fixed name costs a Map lookup.
 */
export function logger (name: string): Logger {
  let log = cache.get(name)

  if (log == null) {
    log = createLogger(name)
    cache.set(name, log)
  }

  return log
}

/** A `ComponentLogger` whose loggers use the component name as-is, e.g. `'libp2p:tcp'` */
export function defaultLogger (): ComponentLogger {
  return {
    forComponent (name: string): Logger {
      return logger(name)
    }
  }
}

/**
 * A `ComponentLogger` whose loggers are named `<prefix>:<name>`, to tell apart several nodes
 * in one process (e.g. `prefixLogger('node-a').forComponent('libp2p:tcp')`).
 */
export function prefixLogger (prefix: string): ComponentLogger {
  return {
    forComponent (name: string): Logger {
      return logger(`${prefix}:${name}`)
    }
  }
}

/** How much of the peer id `peerLogger()` keeps (js-libp2p's option names) */
export interface PeerLoggerOptions {
  /** characters kept from the start of the peer id string (default 2) */
  prefixLength?: number
  /** characters kept from the end of the peer id string (default 4) */
  suffixLength?: number
}

/**
 * A `ComponentLogger` prefixed with a shortened form of `peerId` (`12…AbCd:libp2p:tcp`), to tell
 * apart several nodes in one process by identity without printing whole peer ids.
 */
export function peerLogger (peerId: PeerId, options: PeerLoggerOptions = {}): ComponentLogger {
  const id = peerId.toString()
  const head = id.slice(0, options.prefixLength ?? DEFAULT_PEER_PREFIX_LENGTH)
  const tail = id.slice(id.length - (options.suffixLength ?? DEFAULT_PEER_SUFFIX_LENGTH))
  return prefixLogger(`${head}…${tail}`)
}

/**
 * Turns on the namespaces in `namespaces` (debug syntax: comma separated, `*` wildcards, a
 * leading `-` excludes), replacing any previous selection. Like debug it is persisted to
 * `process.env.DEBUG` in Node and `localStorage.debug` in browsers.
 */
export function enable (namespaces: string): void {
  debug.enable(namespaces)
}

/** Turns every namespace off and returns the previous selection, to pass back to `enable()` */
export function disable (): string {
  return debug.disable()
}

/** Whether a logger named `name` would currently write anything */
export function enabled (name: string): boolean {
  return debug.enabled(name)
}
