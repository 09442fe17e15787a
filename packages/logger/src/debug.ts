/**
 * The namespace-selecting backend behind the loggers. In Node it is the `debug` package itself
 * (`DEBUG`, colours, TTY detection, `process.env.DEBUG` persistence); browsers get the smaller
 * debug.browser.ts through the package.json "browser" map, with the same surface.
 */
import debug from 'debug'

/** What logger.ts (and the tests) use of the backend; both variants provide it */
export interface DebugBackend {
  (namespace: string): ((formatter: any, ...args: any[]) => void) & { enabled: boolean }
  formatters: Record<string, (value: any) => string>
  enable(namespaces: string): void
  disable(): string
  enabled(name: string): boolean
  /** where enabled loggers write, given the formatted arguments */
  log(...args: any[]): void
}

export default debug satisfies DebugBackend
